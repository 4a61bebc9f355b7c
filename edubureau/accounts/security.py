"""Sign-in with lock-out. Failures are counted from the append-only login log, per account and
per address: 5 failures within 30 minutes lock that account (or address) for 30 minutes."""

import datetime

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.db.models import Exists, Max, OuterRef
from django.utils import timezone

from edubureau.audit.choices import FAILURE_KINDS, LoginEventKind
from edubureau.audit.models import LoginEvent
from edubureau.audit.services import record_login
from edubureau.common import context

from .models import User


class LoginRefused(Exception):
    def __init__(self, message, *, locked_until=None):
        super().__init__(message)
        self.message = message
        self.locked_until = locked_until


def _window():
    return datetime.timedelta(minutes=settings.EDUBUREAU_LOCKOUT_MINUTES)


def _locked_until(events):
    """If the failures in `events` (newest window) reach the limit, the time the lock ends."""
    now = timezone.now()
    since = now - _window()
    reset = events.filter(kind__in=[LoginEventKind.SUCCESS, LoginEventKind.UNLOCK]).aggregate(
        t=Max("occurred_at")
    )["t"]
    if reset and reset > since:
        since = reset
    failures = list(
        events.filter(kind__in=FAILURE_KINDS, occurred_at__gt=since)
        .order_by("-occurred_at")
        .values_list("occurred_at", flat=True)[: settings.EDUBUREAU_LOCKOUT_FAILURES]
    )
    if len(failures) >= settings.EDUBUREAU_LOCKOUT_FAILURES:
        return failures[0] + _window()
    return None


def account_locked_until(username):
    return _locked_until(LoginEvent.objects.filter(username=username))


def address_locked_until(ip):
    """Failures from one address lock it. A failure stops counting once ITS account signs in or is
    unlocked (a typo followed by the right password); someone else's sign-in from the same address does
    not wipe it, or one valid account would let a caller try a password on every other account."""
    if not ip:
        return None
    cleared = LoginEvent.objects.filter(
        username=OuterRef("username"),
        kind__in=[LoginEventKind.SUCCESS, LoginEventKind.UNLOCK],
        pk__gt=OuterRef("pk"),
    )
    failures = list(
        LoginEvent.objects.filter(ip=ip, kind__in=FAILURE_KINDS, occurred_at__gt=timezone.now() - _window())
        .exclude(Exists(cleared))
        .order_by("-occurred_at")
        .values_list("occurred_at", flat=True)[: settings.EDUBUREAU_LOCKOUT_FAILURES]
    )
    if len(failures) >= settings.EDUBUREAU_LOCKOUT_FAILURES:
        return failures[0] + _window()
    return None


def _lock_message(until):
    local = timezone.localtime(until)
    return (
        f"连续登录失败次数过多，已锁定{settings.EDUBUREAU_LOCKOUT_MINUTES}分钟，"
        f"请于{local:%H:%M}后再试，或联系管理员解锁。"
    )


def sign_in(*, username, password, request=None):
    """Check the lock, the password and the account; log the outcome. Returns the user or raises."""
    username = (username or "").strip()
    ip = context.current().ip
    until = account_locked_until(username) or address_locked_until(ip)
    if until:
        user = User.objects.filter(username=username).first()
        record_login(kind=LoginEventKind.LOCKED, username=username, user=user)
        raise LoginRefused(_lock_message(until), locked_until=until)

    user = authenticate(request, username=username, password=password)
    if user is not None:
        record_login(kind=LoginEventKind.SUCCESS, username=username, user=user)
        return user

    existing = User.objects.filter(username=username).first()
    if existing is None:
        kind = LoginEventKind.UNKNOWN_USER
    elif not existing.is_active and existing.check_password(password):
        kind = LoginEventKind.INACTIVE
    else:
        kind = LoginEventKind.FAILURE
    with transaction.atomic():
        record_login(kind=kind, username=username, user=existing)
    if kind == LoginEventKind.INACTIVE:
        raise LoginRefused("该账号已停用，请联系本单位管理员。")
    until = account_locked_until(username) or address_locked_until(ip)
    if until:
        raise LoginRefused(_lock_message(until), locked_until=until)
    failures_left = settings.EDUBUREAU_LOCKOUT_FAILURES - _recent_failures(username)
    raise LoginRefused(
        f"账号或密码错误。再失败{max(failures_left, 0)}次，账号将被锁定{settings.EDUBUREAU_LOCKOUT_MINUTES}分钟。"
    )


def _recent_failures(username):
    now = timezone.now()
    events = LoginEvent.objects.filter(username=username)
    since = now - _window()
    reset = events.filter(kind__in=[LoginEventKind.SUCCESS, LoginEventKind.UNLOCK]).aggregate(
        t=Max("occurred_at")
    )["t"]
    if reset and reset > since:
        since = reset
    return events.filter(kind__in=FAILURE_KINDS, occurred_at__gt=since).count()


def password_expired(user):
    if user.password_changed_at is None:
        return False
    age = timezone.now() - user.password_changed_at
    return age > datetime.timedelta(days=settings.EDUBUREAU_PASSWORD_MAX_AGE_DAYS)
