"""Lock status for a page of users in one query agrees with the one-account rule of accounts.security."""

import datetime

from django.utils import timezone

from edubureau.accounts import selectors
from edubureau.accounts.security import account_locked_until
from edubureau.audit.choices import LoginEventKind
from edubureau.audit.services import record_login

FAIL = LoginEventKind.FAILURE


def events(username, *kinds):
    for kind in kinds:
        record_login(kind=kind, username=username)


def test_lock_map_agrees_with_account_locked_until(county):
    events("five_failures", *[FAIL] * 5)
    events("four_failures", *[FAIL] * 4)
    events("reset_by_success", *[FAIL] * 3, LoginEventKind.SUCCESS, *[FAIL] * 3)
    events("unlocked", *[FAIL] * 6, LoginEventKind.UNLOCK)
    events("locked_again", *[FAIL] * 5, LoginEventKind.UNLOCK, *[FAIL] * 5)
    events("unknown_and_inactive", LoginEventKind.UNKNOWN_USER, LoginEventKind.INACTIVE, *[FAIL] * 3)
    events("locked_attempts_do_not_count", *[FAIL] * 4, LoginEventKind.LOCKED, LoginEventKind.LOCKED)
    names = [
        "five_failures",
        "four_failures",
        "reset_by_success",
        "unlocked",
        "locked_again",
        "unknown_and_inactive",
        "locked_attempts_do_not_count",
        "nobody",
    ]
    locks = selectors.locked_until_map(names)
    assert set(locks) == {"five_failures", "locked_again", "unknown_and_inactive"}
    for name in names:
        assert locks.get(name) == account_locked_until(name), name


def test_lock_map_forgets_failures_after_the_window(county, monkeypatch):
    events("five_failures", *[FAIL] * 5)
    later = timezone.now() + datetime.timedelta(minutes=31)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert selectors.locked_until_map(["five_failures"]) == {}
    assert account_locked_until("five_failures") is None


def test_lock_map_without_names_covers_every_account(county):
    events("a", *[FAIL] * 5)
    events("b", *[FAIL] * 5)
    assert set(selectors.locked_until_map()) == {"a", "b"}
    assert selectors.locked_until_map([]) == {}


def test_lock_map_is_one_query(county, django_assert_num_queries):
    events("a", *[FAIL] * 5)
    with django_assert_num_queries(1):
        selectors.locked_until_map(["a", "b", "c"])
