"""factory_boy factories shared by every app's tests (and by nothing else)."""

import itertools

import factory
from django.contrib.auth.hashers import Argon2PasswordHasher

from edubureau.accounts.models import Membership, Role, User
from edubureau.org.choices import GroupKind, UnitKind
from edubureau.org.models import OrgGroup, OrgGroupMember, OrgUnit

TEST_PASSWORD = "Ceshi@2026pw"
_seq = itertools.count(1)


def school_code_for(kind, n):
    prefix = {
        UnitKind.KINDERGARTEN: "11",
        UnitKind.PRIMARY: "21",
        UnitKind.JUNIOR: "31",
        UnitKind.NINE_YEAR: "31",
        UnitKind.COMPLETE_MIDDLE: "34",
        UnitKind.SENIOR: "34",
        UnitKind.VOCATIONAL: "36",
        UnitKind.SPECIAL: "51",
    }.get(kind, "91")
    return f"{prefix}33{n:06d}"


class OrgUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrgUnit

    kind = UnitKind.PRIMARY
    name = factory.Sequence(lambda n: f"测试第{n}小学")
    parent = None


class SchoolFactory(OrgUnitFactory):
    kind = UnitKind.PRIMARY
    school_code = factory.LazyAttribute(lambda o: school_code_for(o.kind, next(_seq)))


class OrgGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrgGroup
        skip_postgeneration_save = True

    kind = GroupKind.SUPERVISION_ZONE
    name = factory.Sequence(lambda n: f"第{n}督学责任区")
    code = factory.Sequence(lambda n: f"group-{n}")

    @factory.post_generation
    def units(self, create, extracted, **kwargs):
        for unit in extracted or []:
            OrgGroupMember.objects.create(group=self, unit=unit)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    real_name = factory.Sequence(lambda n: f"测试用户{n}")
    must_change_password = False
    unit = None

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or TEST_PASSWORD)
        if create:
            self.save(update_fields=["password"])


def grant(user, role_code, *, unit=None, group=None, department=None):
    """Give a role directly (test set-up; the service is tested on its own)."""
    if not Role.objects.filter(code=role_code).exists():
        # A transactional test (live server) flushes the rows the migrations loaded: load them again.
        from django.apps import apps

        from edubureau.accounts.roles import load_builtin_roles

        load_builtin_roles(apps, None)
    membership = Membership.objects.create(
        user=user, role=Role.objects.get(code=role_code), unit=unit, group=group, department=department
    )
    for attr in ("_eb_grants", "_eb_prefixes"):
        if hasattr(user, attr):
            delattr(user, attr)
    return membership


def make_user(role_code, *, unit, username=None, group=None, department=None, **kwargs):
    """A user belonging to `unit` with one role (on `group` for a supervisor)."""
    if username:
        kwargs["username"] = username
    user = UserFactory(unit=unit, **kwargs)
    grant(user, role_code, unit=None if group else unit, group=group, department=department)
    return user


class FastArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2 with minimal cost, for tests only (set in conftest). Production keeps Django's defaults."""

    time_cost = 1
    memory_cost = 64
    parallelism = 1
