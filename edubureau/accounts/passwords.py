"""Password policy of DOMAIN.md §7: 8+ characters, 3 of 4 character classes, last 5 not reused."""

import re

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError

CLASSES = [
    (re.compile(r"[a-z]"), "小写字母"),
    (re.compile(r"[A-Z]"), "大写字母"),
    (re.compile(r"[0-9]"), "数字"),
    (re.compile(r"[^a-zA-Z0-9]"), "特殊符号"),
]


class LengthAndClassesValidator:
    def __init__(self, min_length=8, min_classes=3):
        self.min_length = min_length
        self.min_classes = min_classes

    def validate(self, password, user=None):
        if len(password) < self.min_length:
            raise ValidationError(f"密码至少需要{self.min_length}个字符。", code="password_too_short")
        used = sum(1 for pattern, _ in CLASSES if pattern.search(password))
        if used < self.min_classes:
            raise ValidationError(
                f"密码须包含大写字母、小写字母、数字、特殊符号中的至少{self.min_classes}类。",
                code="password_too_simple",
            )

    def get_help_text(self):
        return f"至少{self.min_length}个字符，包含大写字母、小写字母、数字、特殊符号中的至少{self.min_classes}类。"


class NotSimilarToUsernameValidator:
    def validate(self, password, user=None):
        if user is None:
            return
        username = (getattr(user, "username", "") or "").lower()
        if username and len(username) >= 3 and username in password.lower():
            raise ValidationError("密码不能包含登录账号。", code="password_contains_username")

    def get_help_text(self):
        return "不能包含登录账号。"


class HistoryValidator:
    def validate(self, password, user=None):
        if user is None or not getattr(user, "pk", None):
            return
        keep = settings.EDUBUREAU_PASSWORD_HISTORY
        if user.password and check_password(password, user.password):
            raise ValidationError("新密码不能与当前密码相同。", code="password_reused")
        for old in user.password_history.all()[:keep]:
            if check_password(password, old.password):
                raise ValidationError(f"不能使用最近{keep}次用过的密码。", code="password_reused")

    def get_help_text(self):
        return f"不能与最近{settings.EDUBUREAU_PASSWORD_HISTORY}次用过的密码相同。"
