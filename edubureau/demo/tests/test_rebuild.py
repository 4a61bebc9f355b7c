"""Building the demo from an empty database: deterministic, all or nothing."""

import pytest
from django.db import transaction

from edubureau.accounts.models import User
from edubureau.demo.builder import DemoError, build_county, demo_logins
from edubureau.org.models import OrgGroup, OrgUnit


class _Rollback(Exception):
    pass


def _build_and_collect(seed):
    """Build inside a savepoint, read what matters, then roll everything back."""
    try:
        with transaction.atomic():
            build_county(seed=seed)
            snapshot = (
                sorted(OrgUnit.objects.values_list("kind", "name", "school_code", "uscc", "contact_person")),
                sorted(OrgGroup.objects.values_list("kind", "code", "name")),
                sorted(User.objects.values_list("username", "real_name", "unit__name")),
            )
            raise _Rollback
    except _Rollback:
        pass
    return snapshot


def test_two_builds_with_the_same_seed_give_the_same_names_and_codes(db):
    first = _build_and_collect(2026)
    assert not OrgUnit.objects.exists()
    second = _build_and_collect(2026)
    assert first == second


def test_a_taken_demo_username_stops_the_build_and_writes_nothing(db):
    User.objects.create_user("admin", real_name="已有用户")
    with pytest.raises(DemoError, match="admin"):
        build_county()
    assert not OrgUnit.objects.exists()


def test_demo_logins_is_empty_without_demo_accounts(db):
    assert demo_logins() == []
