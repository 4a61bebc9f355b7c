"""The password policy (DOMAIN.md §7): 8+ characters, 3 of 4 classes, not the username, last 5 not reused."""

import itertools

import pytest
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError

from edubureau.accounts import services
from edubureau.accounts.passwords import (
    HistoryValidator,
    LengthAndClassesValidator,
    NotSimilarToUsernameValidator,
)
from edubureau.common.errors import ServiceError
from edubureau.common.factories import TEST_PASSWORD


@pytest.mark.parametrize(
    "password", ["Ceshi@2026pw", "abcDEF123", "abc123!@#", "ABC123!@#", "Abc!@#$%", "密码Ab12345"]
)
def test_good_passwords_pass_length_and_classes(password):
    LengthAndClassesValidator().validate(password)


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("Ab1!", "password_too_short"),
        ("Ab1!xyz", "password_too_short"),
        ("abcdefgh", "password_too_simple"),
        ("abcdefg1", "password_too_simple"),
        ("ABCDEFG1", "password_too_simple"),
        ("12345678", "password_too_simple"),
        ("abc!@#$%", "password_too_simple"),
    ],
)
def test_weak_passwords_are_refused_with_a_chinese_message(password, code):
    with pytest.raises(ValidationError) as exc:
        LengthAndClassesValidator().validate(password)
    assert exc.value.code == code
    assert "密码" in exc.value.messages[0]


def test_password_must_not_contain_the_username(county, teacher_a):
    with pytest.raises(ValidationError, match="登录账号"):
        NotSimilarToUsernameValidator().validate("Teacher_A@2026", teacher_a)
    NotSimilarToUsernameValidator().validate("Xuexiao@2026", teacher_a)


def test_help_texts_are_in_chinese():
    texts = password_validation.password_validators_help_texts()
    assert texts and all("密码" in t or "账号" in t or "字符" in t for t in texts)


def _change(user, old, new):
    return services.password_change(user=user, old_password=old, new_password=new)


def test_the_last_five_passwords_cannot_be_reused(county, teacher_a):
    passwords = [TEST_PASSWORD] + [f"Xinmima@{n}2026" for n in range(1, 7)]
    for old, new in itertools.pairwise(passwords):
        _change(teacher_a, old, new)
    # current: P6; history (newest first): P5 P4 P3 P2 P1 P0
    with pytest.raises(ServiceError, match="当前密码相同") as exc:
        _change(teacher_a, passwords[6], passwords[6])
    assert exc.value.field == "new_password"
    for recent in passwords[2:6]:
        with pytest.raises(ServiceError, match="最近5次"):
            _change(teacher_a, passwords[6], recent)
    _change(teacher_a, passwords[6], passwords[0])  # six changes ago: allowed again


def test_history_validator_ignores_new_users():
    HistoryValidator().validate("Anything@2026", None)


def test_password_change_with_a_wrong_old_password_is_refused(county, teacher_a):
    with pytest.raises(ServiceError, match="原密码不正确") as exc:
        _change(teacher_a, "wrong", "Xinmima@2026")
    assert exc.value.field == "old_password"
