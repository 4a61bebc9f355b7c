"""The authorization matrix: every URL pattern and every API operation, for every role, against an
object in each of three schools (the role's own, a sibling school, a school of another county).

Expected answers come from the declarations below plus the scoping primitive: a role that holds the
declared permission on the object's unit gets a page (200/302, or a form error for an empty POST);
everyone else gets 404, exactly as for a missing object. Never a 500.

Apps declare their own pages and operations in `<app>/authz.py` (see edubureau/common/authz.py); the
foundation's are below. A URL or an API operation that nobody declared fails `test_every_url_is_declared` /
`test_every_api_operation_is_declared`: a new view is covered the day it is added.
"""

from datetime import date
from importlib import import_module

import pytest
from django.apps import apps
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

from edubureau.accounts import scope
from edubureau.accounts.models import ApiToken, Membership, Role
from edubureau.audit import services as audit
from edubureau.common.authz import Op, Route
from edubureau.common.factories import OrgGroupFactory, OrgUnitFactory, SchoolFactory, make_user
from edubureau.org.choices import UnitKind

ROLES = ["sysadmin", "leader", "dept_officer", "supervisor", "admin_a", "safety_a", "teacher_a", "admin_b"]
PAGE = {200, 302}
FORM_ANSWER = {200, 302, 400, 409, 422}  # an empty POST may be refused with a form error


# -- web pages -------------------------------------------------------------------------------------

URLS = {
    "web:home": Route(None),
    "web:login": Route(None, public=True),
    "web:logout": Route(None),
    "web:password_change": Route(None),
    "healthz": Route(None, public=True),
    "api_docs": Route(None, public=True),
    "org:tree": Route("org.view"),
    "org:unit_create": Route("org.manage"),
    "org:unit_detail": Route("org.view", "unit"),
    "org:unit_edit": Route("org.manage", "unit"),
    "org:unit_move": Route("org.manage", "unit"),
    "org:unit_close": Route("org.manage", "unit"),
    "org:unit_reopen": Route("org.manage", "unit", method="post"),
    "org:group_list": Route("org.view"),
    "org:group_create": Route("org.manage"),
    "org:group_detail": Route("org.view", "group"),
    "org:group_members": Route("org.manage", "group"),
    "accounts:user_list": Route("users.view"),
    "accounts:user_create": Route("users.manage"),
    "accounts:user_detail": Route("users.view", "user"),
    "accounts:user_edit": Route("users.manage", "user"),
    "accounts:user_reset_password": Route("users.manage", "user", method="post"),
    "accounts:user_deactivate": Route("users.manage", "user", method="post"),
    "accounts:user_activate": Route("users.manage", "user", method="post"),
    "accounts:user_unlock": Route("users.manage", "user", method="post"),
    "accounts:membership_grant": Route("users.manage", "user", method="post"),
    "accounts:membership_end": Route("users.manage", "membership", method="post"),
    "accounts:role_list": Route("users.view"),
    "accounts:role_edit": Route("roles.manage", "role"),
    "accounts:token_list": Route(None),
    "accounts:token_create": Route(None, method="post"),
    "accounts:token_revoke": Route(None, "token", method="post"),
    "audit:event_list": Route("audit.view"),
    "audit:event_detail": Route("audit.view", "audit_event"),
    "audit:login_list": Route("audit.view"),
    "audit:sensitive_list": Route("audit.view"),
    "calendar:overview": Route(None),
    "calendar:calculate": Route(None, method="form"),
    "calendar:manage": Route("calendar.manage"),
    "calendar:school_year_create": Route("calendar.manage"),
    "calendar:school_year_edit": Route("calendar.manage", "school_year"),
    "calendar:semester_create": Route("calendar.manage", "school_year"),
    "calendar:semester_edit": Route("calendar.manage", "semester"),
    "calendar:holiday_year_create": Route("calendar.manage"),
    "calendar:holiday_year_detail": Route("calendar.manage", "holiday_year"),
    "calendar:holiday_year_edit": Route("calendar.manage", "holiday_year"),
    "calendar:holiday_year_delete": Route("calendar.manage", "holiday_year"),
    "calendar:day_delete": Route("calendar.manage", "calendar_day", method="post"),
}

# -- declarations of the other apps (their authz.py) ----------------------------------------------


def _app_modules():
    for config in apps.get_app_configs():
        try:
            yield import_module(f"{config.name}.authz")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.authz":
                raise


APP_MODULES = list(_app_modules())
APP_TARGETS = {}
APP_BODIES = {}
for _module in APP_MODULES:
    URLS.update(getattr(_module, "URLS", {}))
    APP_TARGETS.update(getattr(_module, "TARGETS", {}))
    APP_BODIES.update(getattr(_module, "BODIES", {}))


# Namespaces served by the API (covered operation by operation below).
API_NAMESPACES = {"api"}


def url_names(resolver=None, namespace=None):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            if ns in API_NAMESPACES:
                continue
            full = f"{namespace}:{entry.namespace}" if namespace and entry.namespace else ns
            yield from url_names(entry, full)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}:{entry.name}" if namespace else entry.name


def test_every_url_is_declared():
    missing = sorted(set(url_names()) - set(URLS))
    assert not missing, f"declare these URLs in the authorization matrix: {missing}"


def test_no_declared_url_is_stale():
    stale = sorted(set(URLS) - set(url_names()))
    assert not stale, f"these declared URLs no longer exist: {stale}"


# -- objects the URLs name ---------------------------------------------------------------------------


@pytest.fixture
def other_county(db):
    bureau = OrgUnitFactory(kind=UnitKind.BUREAU, name="邻县教育局")
    town = OrgUnitFactory(kind=UnitKind.TOWN, name="邻县城关镇", parent=bureau)
    return SchoolFactory(kind=UnitKind.PRIMARY, name="邻县城关小学", parent=town)


def make_target(kind, unit, requester):
    """(url kwargs, unit the object belongs to or None) for an object of `kind` at `unit`."""
    if kind in APP_TARGETS:
        return APP_TARGETS[kind](unit, requester)
    if kind == "unit":
        return {"pk": unit.pk}, unit
    if kind == "group":
        return {"pk": OrgGroupFactory(kind="district", units=[unit]).pk}, unit
    if kind == "user":
        return {"pk": make_user("teacher", unit=unit).pk}, unit
    if kind == "membership":
        member = make_user("teacher", unit=unit)
        return {"pk": member.pk, "membership_pk": Membership.objects.get(user=member).pk}, unit
    if kind == "role":  # roles are county-wide data: the permission decides, not the unit
        return {"pk": Role.objects.get(code="teacher").pk}, None
    if kind == "audit_event":
        event = audit.record(actor=None, action="matrix.check", obj=unit)
        return {"pk": event.pk}, unit
    raise AssertionError(kind)


def make_config_target(kind):
    from edubureau.calendar.models import CalendarDay, HolidayYear, SchoolYear, Semester

    year = SchoolYear.objects.create(name="2030—2031学年", start=date(2030, 9, 1), end=date(2031, 7, 15))
    if kind == "school_year":
        return {"pk": year.pk, "school_year_pk": year.pk}
    if kind == "semester":
        semester = Semester.objects.create(
            school_year=year, term=1, start=date(2030, 9, 1), end=date(2031, 1, 20)
        )
        return {"pk": semester.pk}
    holidays = HolidayYear.objects.create(year=2031)
    if kind == "holiday_year":
        return {"year": 2031}
    if kind == "calendar_day":
        day = CalendarDay.objects.create(
            date=date(2031, 1, 1), kind="holiday", name="元旦", holiday_year=holidays
        )
        return {"pk": day.pk}
    raise AssertionError(kind)


def url_for(name, kwargs):
    """Reverse with the subset of `kwargs` the pattern takes (e.g. pk or school_year_pk)."""
    for size in (2, 1):
        for keys in ([k] for k in kwargs) if size == 1 else [list(kwargs)]:
            try:
                return reverse(name, kwargs={k: kwargs[k] for k in keys})
            except NoReverseMatch:
                continue
    raise AssertionError(f"cannot reverse {name} with {kwargs}")


def request(client, method, url):
    return client.post(url, {}) if method == "post" else client.get(url)


def allowed_answers(method):
    return FORM_ANSWER if method in {"post", "form"} else PAGE


def expected_allowed(user, perm, unit):
    if perm is None:
        return True
    if unit is None:
        return scope.user_has_perm(user, perm)
    return scope.user_can(user, perm, unit)


@pytest.mark.parametrize("name", sorted(URLS))
def test_web_route_answers_each_role_as_declared(name, client, county, role_users, other_county):
    route = URLS[name]
    schools = [county.school_a, county.school_b, other_county]
    failures = []
    for role in ROLES:
        user = role_users[role]
        client.force_login(user)
        scope.forget(user)
        if route.target is None:
            cases = [(reverse(name), None)]
        elif route.target == "token":
            own = ApiToken.objects.create(
                user=user, name="自用", key=f"k{user.pk}a", secret_hash="x", expires_at="2099-01-01T00:00:00Z"
            )
            other_user = role_users["admin_b" if role != "admin_b" else "admin_a"]
            theirs = ApiToken.objects.create(
                user=other_user,
                name="他人",
                key=f"k{user.pk}b",
                secret_hash="x",
                expires_at="2099-01-01T00:00:00Z",
            )
            cases = [
                (reverse(name, kwargs={"pk": own.pk}), "own"),
                (reverse(name, kwargs={"pk": theirs.pk}), "theirs"),
            ]
        elif route.target in {"school_year", "semester", "holiday_year", "calendar_day"}:
            from edubureau.calendar.models import CalendarDay, HolidayYear, SchoolYear, Semester

            CalendarDay.objects.all().delete()
            HolidayYear.objects.all().delete()
            Semester.objects.all().delete()
            SchoolYear.objects.all().delete()
            cases = [(url_for(name, make_config_target(route.target)), None)]
        else:
            cases = []
            for school in schools:
                kwargs, unit = make_target(route.target, school, user)
                cases.append((reverse(name, kwargs=kwargs), unit))
        for url, unit in cases:
            if unit == "own":
                allowed = True
            elif unit == "theirs":
                allowed = False
            else:
                allowed = expected_allowed(user, route.perm, unit)
            response = request(client, route.method, url)
            ok = allowed_answers(route.method) if allowed else {404}
            if response.status_code not in ok:
                where = getattr(unit, "name", unit)
                failures.append(
                    f"{role} {route.method.upper()} {url} ({where}): {response.status_code}, expected {sorted(ok)}"
                )
        client.logout()
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("name", sorted(URLS))
def test_anonymous_visitor_is_sent_to_login(name, client, county, other_county):
    route = URLS[name]
    if route.target is None:
        url = reverse(name)
    elif route.target == "token":
        url = reverse(name, kwargs={"pk": 1})
    elif route.target in {"school_year", "semester", "holiday_year", "calendar_day"}:
        url = url_for(name, make_config_target(route.target))
    else:
        url = reverse(name, kwargs=make_target(route.target, county.school_a, None)[0])
    response = request(client, route.method, url)
    if route.public:
        assert response.status_code in allowed_answers(route.method)
    else:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("web:login"))


@pytest.mark.parametrize(
    "name",
    sorted(
        n
        for n, r in URLS.items()
        if r.target in {"unit", "group", "user", "audit_event", "role", *APP_TARGETS}
    ),
)
def test_missing_object_gets_the_same_404_as_an_out_of_scope_one(name, client, sysadmin):
    client.force_login(sysadmin)
    kwargs = {"pk": 987654321}
    if name == "accounts:membership_end":
        kwargs["membership_pk"] = 987654321
    response = request(client, URLS[name].method, reverse(name, kwargs=kwargs))
    assert response.status_code == 404


# -- API operations --------------------------------------------------------------------------------


API = {
    ("GET", "/api/v1/me"): Op(None),
    ("GET", "/api/v1/users"): Op("users.view", lists="user"),
    ("POST", "/api/v1/users"): Op("users.manage", body="user_create"),
    ("GET", "/api/v1/users/{id}"): Op("users.view", "user"),
    ("PATCH", "/api/v1/users/{id}"): Op("users.manage", "user", body="version"),
    ("GET", "/api/v1/tokens"): Op(None),
    ("POST", "/api/v1/tokens"): Op(None, body="token_create"),
    ("DELETE", "/api/v1/tokens/{id}"): Op(None, "token"),
    ("GET", "/api/v1/org/units"): Op("org.view", lists="unit"),
    ("POST", "/api/v1/org/units"): Op("org.manage", body="unit_create"),
    ("GET", "/api/v1/org/units/{id}"): Op("org.view", "unit"),
    ("PATCH", "/api/v1/org/units/{id}"): Op("org.manage", "unit", body="version"),
    ("GET", "/api/v1/org/units/{id}/children"): Op("org.view", "unit"),
    ("POST", "/api/v1/org/units/{id}/move"): Op("org.manage", "unit", body="move"),
    ("GET", "/api/v1/org/groups"): Op("org.view", lists="group"),
    ("GET", "/api/v1/org/groups/{id}"): Op("org.view", "group"),
}


# The other apps' operations (their authz.py).
for _module in APP_MODULES:
    API.update(getattr(_module, "API", {}))


def api_operations():
    from edubureau.api import operations

    return {(method, path) for method, path, _ in operations()}


def test_every_api_operation_is_declared():
    missing = sorted(api_operations() - set(API))
    assert not missing, f"declare these API operations in the authorization matrix: {missing}"
    stale = sorted(set(API) - api_operations())
    assert not stale, f"these declared API operations no longer exist: {stale}"


def api_body(kind, unit, counter):
    if kind in APP_BODIES:
        return APP_BODIES[kind](unit, counter)
    if kind == "user_create":
        return {"unit": unit.pk, "username": f"matrix{counter}", "real_name": "矩阵测试"}
    if kind == "unit_create":
        return {"parent": unit.parent_id, "kind": "primary", "name": f"矩阵测试小学{counter}"}
    if kind == "token_create":
        return {"name": "矩阵测试"}
    return None


def call(client, method, url, body=None):
    kwargs = {"content_type": "application/json", "data": body} if body is not None else {}
    return getattr(client, method.lower())(url, **kwargs)


@pytest.mark.parametrize("key", sorted(API), ids=lambda k: f"{k[0]} {k[1]}")
def test_api_operation_answers_each_role_as_declared(key, client, county, role_users, other_county):
    method, path = key
    op = API[key]
    failures = []
    counter = 0
    for role in ROLES:
        user = role_users[role]
        client.force_login(user)
        scope.forget(user)
        for school in (county.school_a, county.school_b, other_county):
            counter += 1
            url, body, unit = path, None, school
            if op.target == "token":
                token_owner = (
                    user
                    if school is county.school_a
                    else role_users["admin_b" if role != "admin_b" else "admin_a"]
                )
                token = ApiToken.objects.create(
                    user=token_owner,
                    name="t",
                    key=f"m{counter}",
                    secret_hash="x",
                    expires_at="2099-01-01T00:00:00Z",
                )
                url = path.replace("{id}", str(token.pk))
                allowed = token_owner == user
            elif op.target:
                kwargs, unit = make_target(op.target, school, user)
                url = path.replace("{id}", str(kwargs["pk"]))
                allowed = expected_allowed(user, op.perm, unit)
            else:
                allowed = expected_allowed(
                    user, op.perm, unit if op.body in {"user_create", "unit_create"} else None
                )
            if op.body == "version":
                from edubureau.accounts.models import User
                from edubureau.org.models import OrgUnit

                model = User if op.target == "user" else OrgUnit
                obj = model.objects.get(pk=int(url.rsplit("/", 1)[-1]))
                change = {"phone": "13800000000"} if op.target == "user" else {"short_name": "矩阵"}
                body = {"version": obj.version, **change}
            elif op.body == "move":
                body = {"parent": school.parent_id, "version": school.version}
            elif op.body:
                body = api_body(op.body, school, counter)
            listed_pk = None
            if op.lists:
                kwargs, unit = make_target(op.lists, school, user)
                listed_pk = kwargs["pk"]
                allowed_to_list = scope.user_has_perm(user, op.perm)
                in_scope = expected_allowed(user, op.perm, unit)
            response = call(client, method, url, body)
            if op.lists:
                if not allowed_to_list:
                    if response.status_code != 404:
                        failures.append(f"{role} {method} {url}: {response.status_code}, expected 404")
                    continue
                if response.status_code != 200:
                    failures.append(f"{role} {method} {url}: {response.status_code}, expected 200")
                    continue
                ids = set()
                data = response.json()
                offset = 0
                while True:
                    ids |= {item["id"] for item in data["items"]}
                    offset += data["limit"]
                    if offset >= data["count"]:
                        break
                    data = client.get(url, {"offset": offset, "limit": data["limit"]}).json()
                if (listed_pk in ids) != in_scope:
                    failures.append(
                        f"{role} {method} {url}: object at {school.name} listed={listed_pk in ids}, expected {in_scope}"
                    )
                continue
            writes_ok = {200, 201, 204, 409, 422} if method != "GET" else {200}
            ok = writes_ok if allowed else {404}
            if response.status_code not in ok:
                failures.append(
                    f"{role} {method} {url} ({school.name}): {response.status_code} {response.content[:200]!r}, expected {sorted(ok)}"
                )
            if response.status_code == 500:
                failures.append(f"{role} {method} {url}: 500")
        client.logout()
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("key", sorted(API), ids=lambda k: f"{k[0]} {k[1]}")
def test_api_operation_refuses_anonymous_callers_with_401(key, client, county):
    method, path = key
    response = call(
        client, method, path.replace("{id}", str(county.school_a.pk)), {} if method != "GET" else None
    )
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"
