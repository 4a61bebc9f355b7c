"""Writes a demo plan (data.py) to the database, audited on channel "command".

The demo county goes through the org services (each unit and group leaves its own audit event) with the
demo system admin as actor; only the root unit and that first admin are bootstrapped directly, because
every service needs an actor with scope. Users and role memberships are written in bulk with one shared
password hash (hashing each with argon2 would take seconds for nothing). The large synthetic city is
written in bulk throughout. Each build ends with one `demo.build` audit event that counts what was made.
"""

import datetime
import time
import unicodedata
from dataclasses import dataclass, field

from django.contrib.auth import password_validation
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from edubureau.accounts.choices import RoleCode
from edubureau.accounts.models import Membership, Role, User
from edubureau.audit import services as audit
from edubureau.common.context import Channel, acting
from edubureau.common.errors import ServiceError
from edubureau.org import services as org_services
from edubureau.org.choices import GroupKind, UnitKind, UnitStatus
from edubureau.org.models import OrgGroup, OrgGroupMember, OrgUnit, path_segment

from .data import DEFAULT_SEED, DEMO_PASSWORD, KEY_USERNAMES, city_plan, county_plan

UNIT_CLEAN_EXCLUDE = ["path", "depth", "parent"]
BULK_BATCH = 500


class DemoError(Exception):
    """The demo cannot be built (e.g. a demo username is already taken)."""


@dataclass
class BuildResult:
    area: str
    seed: int
    counts: dict = field(default_factory=dict)  # unit kind -> number
    groups: dict = field(default_factory=dict)  # group kind -> number
    users: int = 0
    timings: list = field(default_factory=list)  # [(label, seconds)]

    @property
    def schools(self):
        return sum(n for kind, n in self.counts.items() if kind not in NON_SCHOOL_KINDS)

    @property
    def total_seconds(self):
        return sum(seconds for _, seconds in self.timings)


NON_SCHOOL_KINDS = {UnitKind.BUREAU, UnitKind.DEPARTMENT, UnitKind.TOWN}


class _Clock:
    def __init__(self, log):
        self.log = log
        self.timings = []
        self._start = time.perf_counter()

    def lap(self, label, detail=""):
        now = time.perf_counter()
        seconds = now - self._start
        self._start = now
        self.timings.append((label, seconds))
        self.log(f"  {label}{('：' + detail) if detail else ''}（{seconds:.2f} 秒）")


def database_has_units():
    return OrgUnit.objects.exists()


def build_county(*, seed=DEFAULT_SEED, log=None):
    """Build the demo county 青岚县 in an empty database. Returns a BuildResult, or None when the
    database already holds org units (then nothing is written)."""
    log = log or (lambda message: None)
    if database_has_units():
        return None
    clock = _Clock(log)
    plan = county_plan(seed)
    clock.lap("生成方案", f"{len(plan.units)} 个单位，{len(plan.users)} 个用户")
    with acting(channel=Channel.COMMAND), transaction.atomic():
        if database_has_units():  # checked again inside the transaction
            return None
        _check_usernames_free(plan)
        password_hash = _demo_password_hash()
        root, admin = _bootstrap(plan, password_hash)
        units = {"bureau": root}
        for spec in plan.units[1:]:
            units[spec.key] = _service_call(
                org_services.unit_create, actor=admin, parent=units[spec.parent], **spec.fields()
            )
        for spec in plan.units:
            if spec.closed_on:
                units[spec.key] = _service_call(
                    org_services.unit_close,
                    actor=admin,
                    unit=units[spec.key],
                    closed_on=spec.closed_on,
                    reason=spec.close_reason,
                )
        clock.lap("组织机构", f"{len(units)} 个单位（经 org 服务写入并逐条审计）")
        groups = {}
        for spec in plan.groups:
            groups[spec.code] = _service_call(
                org_services.group_create,
                actor=admin,
                kind=spec.kind,
                name=spec.name,
                code=spec.code,
                description=spec.description,
                members=[(units[key], role) for key, role in spec.members],
            )
        clock.lap("单位分组", f"{len(groups)} 个")
        others = [s for s in plan.users if s.username != admin.username]
        _bulk_users(others, units, groups, password_hash)
        clock.lap("用户与角色", f"{len(plan.users)} 个用户")
        _school_calendar(admin)
        clock.lap("校历", "2025—2026、2026—2027学年及其学期")
        for label, build in app_demo_builders():
            summary = build(admin=admin, units=units, seed=seed)
            clock.lap(label, summary or "")
        result = _result(plan, clock)
        _record_build(plan, result, root)
    return result


def app_demo_builders():
    """(label, build) of every app with a `demo.py` that defines `build(*, admin, units, seed)`.

    Each runs inside the county build, after the org tree, users and calendar exist, on channel
    "command". `units` maps the plan's keys to OrgUnit rows; `build` returns a short summary line.
    Apps are visited in INSTALLED_APPS order, so an app can rely on the records of the apps before it.
    """
    from importlib import import_module

    from django.apps import apps

    builders = []
    for config in apps.get_app_configs():
        if not config.name.startswith("edubureau.") or config.name == "edubureau.demo":
            continue
        try:
            module = import_module(f"{config.name}.demo")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.demo":
                raise
            continue
        builders.append((getattr(module, "LABEL", config.verbose_name), module.build))
    return builders


def _school_calendar(admin):
    """The school years around today, through the calendar services (audited like any admin entry)."""
    from edubureau.calendar import services as calendar_services

    years = [
        (
            "2025—2026学年",
            (2025, 9, 1),
            (2026, 8, 31),
            [(1, (2025, 9, 1), (2026, 1, 24)), (2, (2026, 3, 2), (2026, 7, 10))],
        ),
        (
            "2026—2027学年",
            (2026, 9, 1),
            (2027, 8, 31),
            [(1, (2026, 9, 1), (2027, 1, 23)), (2, (2027, 2, 22), (2027, 7, 9))],
        ),
    ]
    for name, start, end, semesters in years:
        school_year = _service_call(
            calendar_services.school_year_create,
            actor=admin,
            name=name,
            start=datetime.date(*start),
            end=datetime.date(*end),
        )
        for term, term_start, term_end in semesters:
            _service_call(
                calendar_services.semester_create,
                actor=admin,
                school_year=school_year,
                term=term,
                start=datetime.date(*term_start),
                end=datetime.date(*term_end),
            )


def build_city(*, n_schools, seed=DEFAULT_SEED, log=None):
    """Build the synthetic city 苍澜市 with `n_schools` schools, in bulk. None when units exist."""
    log = log or (lambda message: None)
    if database_has_units():
        return None
    clock = _Clock(log)
    plan = city_plan(n_schools, seed)
    clock.lap("生成方案", f"{len(plan.units)} 个单位，{len(plan.users)} 个用户")
    with acting(channel=Channel.COMMAND), transaction.atomic():
        if database_has_units():
            return None
        _check_usernames_free(plan)
        password_hash = _demo_password_hash()
        units = _bulk_units(plan)
        clock.lap("组织机构", f"{len(units)} 个单位（批量写入）")
        groups = _bulk_groups(plan, units)
        clock.lap("单位分组", f"{len(groups)} 个")
        _bulk_users(plan.users, units, groups, password_hash)
        clock.lap("用户与角色", f"{len(plan.users)} 个用户（抽样）")
        result = _result(plan, clock)
        _record_build(plan, result, units["bureau"])
    return result


# --- steps ----------------------------------------------------------------------------------------


def _service_call(func, **kwargs):
    try:
        return func(**kwargs)
    except ServiceError as exc:  # a bug in the plan: say which record
        raise DemoError(f"{func.__name__} 失败：{exc}（{kwargs.get('name') or kwargs.get('unit')}）") from exc


def _check_usernames_free(plan):
    taken = sorted(
        User.objects.filter(username__in=[s.username for s in plan.users]).values_list("username", flat=True)
    )
    if taken:
        raise DemoError(f"以下登录账号已存在，无法生成演示数据：{'、'.join(taken[:10])}")


def _demo_password_hash():
    password_validation.validate_password(DEMO_PASSWORD)  # the documented password passes the policy
    return make_password(DEMO_PASSWORD)


def _new_unit(spec, parent):
    unit = OrgUnit(parent=parent, **spec.fields())
    if spec.closed_on:
        unit.status = UnitStatus.CLOSED
        unit.closed_on = spec.closed_on
    return unit


def _bootstrap(plan, password_hash):
    """The root unit and the first system admin, written directly (no actor exists yet)."""
    root_spec = plan.units[0]
    root = _new_unit(root_spec, None)
    root.full_clean(exclude=UNIT_CLEAN_EXCLUDE)
    root.save()
    audit.record(actor=None, action="org.unit.create", obj=root, note="演示数据：根单位")
    admin_spec = next(s for s in plan.users if s.role == RoleCode.SYSTEM_ADMIN)
    admin = _new_user(admin_spec, root, password_hash)
    admin.full_clean(exclude=["password"])
    admin.save()
    audit.record(actor=None, action="user.create", obj=admin, note="演示数据：首个系统管理员")
    membership = Membership.objects.create(
        user=admin, role=Role.objects.get(code=RoleCode.SYSTEM_ADMIN), unit=root, title=admin_spec.title
    )
    audit.record(
        actor=None, action="membership.grant", obj=membership, unit=root, object_label=str(membership)
    )
    return root, admin


def _new_user(spec, unit, password_hash):
    return User(
        username=spec.username,
        real_name=spec.real_name,
        unit=unit,
        is_active=spec.is_active,
        must_change_password=False,  # the demo accounts are meant to be used at once
        password=password_hash,
        password_changed_at=timezone.now(),
    )


def _ended_at(day):
    if day is None:
        return None
    return timezone.make_aware(datetime.datetime(day.year, day.month, day.day, 17, 0))


def _bulk_users(specs, units, groups, password_hash):
    """Users and their role memberships, two bulk inserts. Each user is validated first."""
    roles = {role.code: role for role in Role.objects.all()}
    users = []
    for spec in specs:
        user = _new_user(spec, units[spec.unit], password_hash)
        user.full_clean(exclude=["password", "unit"], validate_unique=False)
        users.append(user)
    User.objects.bulk_create(users, batch_size=BULK_BATCH)
    if any(user.pk is None for user in users):  # databases that cannot return ids from a bulk insert
        ids = dict(
            User.objects.filter(username__in=[u.username for u in users]).values_list("username", "pk")
        )
        for user in users:
            user.pk = ids[user.username]
    memberships = []
    for spec, user in zip(specs, users, strict=True):
        memberships.append(
            Membership(
                user=user,
                role=roles[spec.role],
                unit=units[spec.role_unit] if spec.role_unit else None,
                group=groups[spec.group] if spec.group else None,
                department=units[spec.department] if spec.department else None,
                title=spec.title,
                ended_at=_ended_at(spec.ended_on),
            )
        )
    Membership.objects.bulk_create(memberships, batch_size=BULK_BATCH)
    return users


def _depths(plan):
    depth = {}
    for spec in plan.units:  # parents always come before their children in a plan
        depth[spec.key] = 0 if spec.parent is None else depth[spec.parent] + 1
    return depth


def _bulk_units(plan):
    """Insert the units level by level; each level gets its paths from its parents' paths and ids."""
    depth = _depths(plan)
    units = {}
    for level in range(max(depth.values()) + 1):
        specs = [s for s in plan.units if depth[s.key] == level]
        batch = []
        for spec in specs:
            unit = _new_unit(spec, units[spec.parent] if spec.parent else None)
            # Field validators and the model's clean(); uniqueness holds by construction (CodeBook).
            unit.full_clean(exclude=UNIT_CLEAN_EXCLUDE, validate_unique=False, validate_constraints=False)
            unit.path = f"~{spec.key}"  # a temporary marker until the id is known
            unit.depth = level
            batch.append(unit)
        OrgUnit.objects.bulk_create(batch, batch_size=BULK_BATCH)
        if any(unit.pk is None for unit in batch):
            ids = dict(OrgUnit.objects.filter(path__startswith="~").values_list("path", "pk"))
            for unit in batch:
                unit.pk = ids[unit.path]
        for spec, unit in zip(specs, batch, strict=True):
            unit.path = (unit.parent.path if unit.parent else "") + path_segment(unit.pk)
            units[spec.key] = unit
        OrgUnit.objects.bulk_update(batch, ["path"], batch_size=BULK_BATCH)
    return units


def _bulk_groups(plan, units):
    groups = {}
    objs = []
    for spec in plan.groups:
        group = OrgGroup(kind=spec.kind, name=spec.name, code=spec.code, description=spec.description)
        group.full_clean(validate_unique=False)
        objs.append(group)
        groups[spec.code] = group
    OrgGroup.objects.bulk_create(objs, batch_size=BULK_BATCH)
    if any(group.pk is None for group in objs):
        ids = dict(OrgGroup.objects.values_list("code", "pk"))
        for group in objs:
            group.pk = ids[group.code]
    members = [
        OrgGroupMember(group=groups[spec.code], unit=units[key], role=role)
        for spec in plan.groups
        for key, role in spec.members
    ]
    OrgGroupMember.objects.bulk_create(members, batch_size=BULK_BATCH)
    return groups


def _result(plan, clock):
    counts = {}
    for spec in plan.units:
        counts[spec.kind] = counts.get(spec.kind, 0) + 1
    groups = {}
    for spec in plan.groups:
        groups[spec.kind] = groups.get(spec.kind, 0) + 1
    return BuildResult(
        area=plan.area,
        seed=plan.seed,
        counts=counts,
        groups=groups,
        users=len(plan.users),
        timings=clock.timings,
    )


def _record_build(plan, result, root):
    audit.record(
        actor=None,
        action="demo.build",
        object_type="demo.area",
        object_id=root.pk,
        object_label=f"演示数据：{plan.area}",
        unit=root,
        after={
            "seed": plan.seed,
            "units": {str(kind): n for kind, n in result.counts.items()},
            "schools": result.schools,
            "groups": {str(kind): n for kind, n in result.groups.items()},
            "users": result.users,
        },
        note=f"生成演示数据：{plan.area}，{result.schools} 所学校，{result.users} 个用户。",
    )


# --- reading back ---------------------------------------------------------------------------------


def unit_counts():
    """[(kind label, number)] of the units in the database, in the order of UnitKind."""
    rows = dict(OrgUnit.objects.values_list("kind").annotate(n=Count("id")).values_list("kind", "n"))
    return [(kind.label, rows[kind.value]) for kind in UnitKind if rows.get(kind.value)]


def group_counts():
    rows = dict(OrgGroup.objects.values_list("kind").annotate(n=Count("id")).values_list("kind", "n"))
    return [(kind.label, rows[kind.value]) for kind in GroupKind if rows.get(kind.value)]


def role_counts():
    rows = dict(
        Membership.objects.current()
        .values_list("role__code")
        .annotate(n=Count("id"))
        .values_list("role__code", "n")
    )
    return [(code.label, rows[code.value]) for code in RoleCode if rows.get(code.value)]


def _login_row(username, real_name, role_code, role_label, unit_name, scope, title):
    return {
        "username": username,
        "password": DEMO_PASSWORD,
        "real_name": real_name,
        "role": str(role_code),
        "role_label": role_label,
        "title": title,
        "unit": unit_name,
        "scope": scope,
    }


def demo_logins(plan=None):
    """The key demo accounts as dicts (username, password, real_name, role, role_label, title, unit, scope).

    Without `plan`, read from the database (only accounts that exist there, in KEY_USERNAMES order);
    with a plan (e.g. `county_plan()`), computed from it without touching the database.
    """
    if plan is not None:
        return _plan_logins(plan)
    memberships = (
        Membership.objects.current()
        .filter(user__username__in=KEY_USERNAMES)
        .select_related("user", "user__unit", "role", "unit", "group", "department")
        .order_by("pk")
    )
    first = {}
    for m in memberships:
        first.setdefault(m.user.username, m)
    rows = []
    for username in KEY_USERNAMES:
        m = first.get(username)
        if m is None:
            continue
        scope = _scope_label(m.unit, m.group, m.department)
        unit = _unit_label(m.user.unit)
        rows.append(_login_row(username, m.user.real_name, m.role.code, m.role.name, unit, scope, m.title))
    return rows


def _unit_label(unit):
    """Schools by their full name; the bureau, departments and towns by their short name."""
    if unit is None:
        return ""
    return unit.display_name if unit.kind in NON_SCHOOL_KINDS else unit.name


def _scope_label(role_unit, group, department):
    if group is not None:
        return group.name
    label = _unit_label(role_unit)
    if role_unit is not None and role_unit.kind in NON_SCHOOL_KINDS:
        label += "及所属单位"
    if department is not None:
        label += f"（{department.display_name}）"
    return label


def _plan_logins(plan):
    by_username = {s.username: s for s in plan.users}
    groups = {g.code: g for g in plan.groups}
    rows = []
    for username in KEY_USERNAMES:
        spec = by_username.get(username)
        if spec is None:
            continue
        role = RoleCode(spec.role)
        scope = _scope_label(
            plan.unit(spec.role_unit) if spec.role_unit else None,
            groups[spec.group] if spec.group else None,
            plan.unit(spec.department) if spec.department else None,
        )
        unit = _unit_label(plan.unit(spec.unit))
        rows.append(_login_row(username, spec.real_name, role, role.label, unit, scope, spec.title))
    return rows


# --- printing -------------------------------------------------------------------------------------


def display_width(text):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def pad(text, width):
    return text + " " * max(0, width - display_width(text))


def format_table(headers, rows):
    """A plain-text table that lines up Chinese text in a terminal."""
    widths = [max(display_width(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]
    lines = ["  ".join(pad(str(h), w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for row in rows:
        lines.append("  ".join(pad(str(c), w) for c, w in zip(row, widths, strict=True)).rstrip())
    return "\n".join(lines)


def format_logins(rows):
    return format_table(
        ["账号", "姓名", "角色", "所属单位", "权限范围"],
        [[r["username"], r["real_name"], r["role_label"], r["unit"], r["scope"]] for r in rows],
    )
