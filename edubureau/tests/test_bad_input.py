"""Bad input never gives a 500 (DESIGN.md rule 6): wrong types, missing fields, overlong text, NUL
characters, impossible dates, huge and negative numbers, unknown and out-of-scope ids, and garbage in the
query strings of list pages. A refused form answers with a Chinese message on the form."""

import datetime
import re

import pytest
from django import forms
from django.db import transaction
from django.urls import reverse

from edubureau.accounts.models import Membership, Role, User
from edubureau.accounts.services import token_create
from edubureau.calendar import services as calendar_services
from edubureau.calendar import workdays
from edubureau.calendar.choices import DayKind
from edubureau.calendar.models import CalendarDay
from edubureau.common.factories import make_user
from edubureau.org.models import OrgUnit

D = datetime.date
CJK = re.compile(r"[\u4e00-\u9fff]")

# What a form field gets instead of its valid value (None: the field is left out).
BAD_VALUES = {
    "missing": None,
    "text": "abc",
    "nul": "a\x00b",
    "long": "长" * 10_000,
    "first_day": "0001-01-01",
    "last_day": "9999-12-31",
    "no_such_day": "2026-02-30",
    "huge": str(2**70),
    "negative": "-1",
    "two_values": ["1", "2"],
}
# The message of the 400 page for NUL (web.middleware).
NUL_PAGE_TEXT = "含有空字符"


@pytest.fixture(autouse=True)
def _fresh_workday_cache():
    workdays.clear_cache()
    yield
    workdays.clear_cache()


class World:
    pass


@pytest.fixture
def world(county, sysadmin, admin_a, admin_b):
    w = World()
    w.county, w.sysadmin, w.admin_a, w.admin_b = county, sysadmin, admin_a, admin_b
    w.teacher = make_user("teacher", unit=county.school_a, username="teacher_x", real_name="陈老师")
    w.grant = w.teacher.memberships.get()
    w.token, _ = token_create(actor=sysadmin, name="同步脚本")
    w.school_year = calendar_services.school_year_create(
        actor=sysadmin, name="2026—2027学年", start=D(2026, 9, 1), end=D(2027, 8, 31)
    )
    w.semester = calendar_services.semester_create(
        actor=sysadmin, school_year=w.school_year, term=1, start=D(2026, 9, 1), end=D(2027, 1, 22)
    )
    w.holiday_year = calendar_services.holiday_year_create(actor=sysadmin, year=2027, document_no="文号")
    calendar_services.calendar_days_add(
        actor=sysadmin,
        holiday_year=w.holiday_year,
        rows=[{"start": D(2027, 2, 6), "end": None, "kind": DayKind.HOLIDAY, "name": "春节"}],
    )
    w.day = CalendarDay.objects.get(date=D(2027, 2, 6))
    return w


def csrf_headers(client):
    """A session client's CSRF header for the API's unsafe methods."""
    client.get(reverse("web:home"))
    return {"X-CSRFToken": client.cookies["edubureau_csrftoken"].value}


def unit_data(unit, **extra):
    data = {
        "kind": unit.kind,
        "name": unit.name,
        "short_name": "",
        "school_code": unit.school_code,
        "uscc": "",
        "division_code": "",
        "ownership": unit.ownership,
        "kindergarten_grade": "",
        "address": "",
        "contact_person": "",
        "phone": "",
        "opened_on": "2001-09-01",
        "sort_order": "10",
        "version": str(unit.version),
    }
    data.update(extra)
    return data


# name: (user attribute, url, valid data)
FORMS = {
    "login": (
        None,
        lambda w: reverse("web:login"),
        lambda w: {"username": "sysadmin", "password": "wrong-password", "next": "/"},
    ),
    "password_change": (
        "sysadmin",
        lambda w: reverse("web:password_change"),
        lambda w: {
            "old_password": "x",
            "new_password": "Xin@2026mima",
            "new_password_confirm": "Xin@2026mima",
        },
    ),
    "unit_create": (
        "sysadmin",
        lambda w: reverse("org:unit_create"),
        lambda w: unit_data(
            w.county.school_a, parent=str(w.county.town_a.pk), name="新建小学", school_code=""
        ),
    ),
    "unit_edit": (
        "sysadmin",
        lambda w: reverse("org:unit_edit", args=[w.county.school_a.pk]),
        lambda w: unit_data(w.county.school_a),
    ),
    "unit_move": (
        "sysadmin",
        lambda w: reverse("org:unit_move", args=[w.county.school_a.pk]),
        lambda w: {"parent": str(w.county.town_b.pk), "version": "1"},
    ),
    "unit_close": (
        "sysadmin",
        lambda w: reverse("org:unit_close", args=[w.county.school_b.pk]),
        lambda w: {"closed_on": "2026-07-01", "reason": "并入东城镇中心小学"},
    ),
    "group_create": (
        "sysadmin",
        lambda w: reverse("org:group_create"),
        lambda w: {
            "kind": "supervision_zone",
            "name": "第二督学责任区",
            "code": "zone-2",
            "description": "",
            "add_units": [str(w.county.school_b.pk)],
            "add_role": "member",
        },
    ),
    "group_members": (
        "sysadmin",
        lambda w: reverse("org:group_members", args=[w.county.zone_1.pk]),
        lambda w: {
            f"role_{w.county.school_a.pk}": "member",
            f"role_{w.county.school_c.pk}": "member",
            "add_units": [str(w.county.school_b.pk)],
            "add_role": "member",
        },
    ),
    "user_create": (
        "admin_a",
        lambda w: reverse("accounts:user_create"),
        lambda w: {
            "unit": str(w.county.school_a.pk),
            "username": "newteacher",
            "real_name": "新老师",
            "phone": "13800000000",
            "email": "t@example.cn",
            "role": "",
            "department": "",
        },
    ),
    "user_edit": (
        "admin_a",
        lambda w: reverse("accounts:user_edit", args=[w.teacher.pk]),
        lambda w: {
            "real_name": "陈老师",
            "phone": "",
            "email": "",
            "unit": str(w.county.school_a.pk),
            "version": str(w.teacher.version),
        },
    ),
    "user_deactivate": (
        "admin_a",
        lambda w: reverse("accounts:user_deactivate", args=[w.teacher.pk]),
        lambda w: {"reason": "已调离"},
    ),
    "membership_grant": (
        "admin_a",
        lambda w: reverse("accounts:membership_grant", args=[w.teacher.pk]),
        lambda w: {
            "role": str(w.grant.role_id),
            "unit": str(w.county.school_a.pk),
            "group": "",
            "department": "",
            "title": "班主任",
        },
    ),
    "role_edit": (
        "sysadmin",
        lambda w: reverse("accounts:role_edit", args=[w.grant.role_id]),
        lambda w: {
            "name": "教师",
            "description": "",
            "permissions": ["org.view", "home.todo"],
            "version": str(w.grant.role.version),
        },
    ),
    "token_create": (
        "sysadmin",
        lambda w: reverse("accounts:token_create"),
        lambda w: {"name": "数据同步", "days": "30"},
    ),
    "school_year_create": (
        "sysadmin",
        lambda w: reverse("calendar:school_year_create"),
        lambda w: {"name": "2027—2028学年", "start": "2027-09-01", "end": "2028-08-31"},
    ),
    "school_year_edit": (
        "sysadmin",
        lambda w: reverse("calendar:school_year_edit", args=[w.school_year.pk]),
        lambda w: {"name": "2026—2027学年", "start": "2026-09-01", "end": "2027-08-31", "version": "1"},
    ),
    "semester_create": (
        "sysadmin",
        lambda w: reverse("calendar:semester_create", args=[w.school_year.pk]),
        lambda w: {"term": "2", "start": "2027-02-22", "end": "2027-07-09"},
    ),
    "semester_edit": (
        "sysadmin",
        lambda w: reverse("calendar:semester_edit", args=[w.semester.pk]),
        lambda w: {"term": "1", "start": "2026-09-01", "end": "2027-01-22", "version": "1"},
    ),
    "holiday_year_create": (
        "sysadmin",
        lambda w: reverse("calendar:holiday_year_create"),
        lambda w: {"year": "2028", "document_no": "", "note": ""},
    ),
    "holiday_year_edit": (
        "sysadmin",
        lambda w: reverse("calendar:holiday_year_edit", args=[2027]),
        lambda w: {"document_no": "国办发明电〔2026〕7号", "note": "", "version": "1"},
    ),
    "holiday_year_days": (
        "sysadmin",
        lambda w: reverse("calendar:holiday_year_detail", args=[2027]),
        lambda w: {
            "rows-TOTAL_FORMS": "1",
            "rows-INITIAL_FORMS": "0",
            "rows-MIN_NUM_FORMS": "0",
            "rows-MAX_NUM_FORMS": "60",
            "rows-0-start": "2027-02-07",
            "rows-0-end": "2027-02-08",
            "rows-0-kind": DayKind.HOLIDAY,
            "rows-0-name": "春节",
        },
    ),
    "holiday_year_delete": (
        "sysadmin",
        lambda w: reverse("calendar:holiday_year_delete", args=[2027]),
        lambda w: {"reason": "录错"},
    ),
    "day_delete": (
        "sysadmin",
        lambda w: reverse("calendar:day_delete", args=[w.day.pk]),
        lambda w: {"reason": "录错"},
    ),
}


def form_messages(response):
    """Every error message of every form and formset the page was rendered with."""
    found = []
    for context in response.context or []:
        for value in context.flatten().values():
            if isinstance(value, forms.BaseForm):
                found += [m for errs in value.errors.values() for m in errs]
            elif isinstance(value, forms.BaseFormSet):
                found += list(value.non_form_errors())
                for f in value.forms:
                    found += [m for errs in f.errors.values() for m in errs]
    return found


def post_and_undo(client, url, data):
    """POST, then roll back whatever it wrote, so each bad value meets the same starting state."""
    with transaction.atomic():
        response = client.post(url, data)
        transaction.set_rollback(True)
    return response


@pytest.mark.parametrize("form_name", list(FORMS))
def test_a_form_refuses_bad_input_with_a_chinese_message_and_never_a_500(client, world, form_name):
    user_attr, url_of, data_of = FORMS[form_name]
    if user_attr:
        client.force_login(getattr(world, user_attr))
    url = url_of(world)
    for field in data_of(world):
        for bad, value in BAD_VALUES.items():
            data = data_of(world)
            if value is None:
                del data[field]
            else:
                data[field] = value
            response = post_and_undo(client, url, data)
            assert response.status_code < 500, (field, bad, response.status_code)
            if bad == "nul":
                assert response.status_code == 400, (field, response.status_code)
            for message in form_messages(response):
                assert CJK.search(str(message)), (field, bad, message)


LIST_PAGES = {
    "web:home": [],
    "org:tree": ["q", "kind", "status"],
    "org:group_list": ["q", "kind"],
    "org:unit_create": ["parent"],
    "accounts:user_list": ["q", "unit", "role", "status", "sort"],
    "accounts:token_list": [],
    "accounts:role_list": [],
    "audit:event_list": [
        "actor",
        "unit",
        "object_type",
        "object_id",
        "action",
        "channel",
        "date_from",
        "date_to",
    ],
    "audit:login_list": ["username", "kind", "ip", "unit", "date_from", "date_to"],
    "audit:sensitive_list": ["actor", "object_type", "field", "unit", "date_from", "date_to"],
    "calendar:overview": ["month", "start", "n"],
    "calendar:calculate": ["start", "n"],
    "calendar:manage": [],
    "calendar:holiday_year_create": ["year"],
}
QUERY_VALUES = {
    "text": "abc",
    "nul": "a\x00b",
    "long": "长" * 10_000,
    "negative": "-1",
    "huge": str(2**70),
    "month_13": "2026-13",
    "bad_date": "2026-99-99",
    "no_such_day": "2026-02-30",
    "first_day": "0001-01-01",
    "last_day": "9999-12-31",
}


@pytest.mark.parametrize("page", list(LIST_PAGES))
def test_query_string_garbage_on_a_list_page_never_gives_a_500(client, world, page):
    client.force_login(world.sysadmin)
    url = reverse(page)
    for param in [*LIST_PAGES[page], "page"]:
        for name, value in QUERY_VALUES.items():
            response = client.get(url, {param: value})
            # 404: a unit to add under that does not exist; 422: the calculator's refusal.
            expected = {400} if name == "nul" else {200, 404, 422}
            assert response.status_code in expected, (param, name, response.status_code)


OBJECT_URLS = [
    ("org:unit_detail", "GET"),
    ("org:unit_edit", "POST"),
    ("org:unit_move", "POST"),
    ("org:unit_close", "POST"),
    ("org:unit_reopen", "POST"),
    ("org:group_detail", "GET"),
    ("org:group_members", "POST"),
    ("accounts:user_detail", "GET"),
    ("accounts:user_edit", "POST"),
    ("accounts:user_reset_password", "POST"),
    ("accounts:user_deactivate", "POST"),
    ("accounts:user_activate", "POST"),
    ("accounts:user_unlock", "POST"),
    ("accounts:membership_grant", "POST"),
    ("accounts:token_revoke", "POST"),
    ("accounts:role_edit", "POST"),
    ("audit:event_detail", "GET"),
    ("calendar:school_year_edit", "POST"),
    ("calendar:semester_create", "POST"),
    ("calendar:semester_edit", "POST"),
    ("calendar:holiday_year_detail", "POST"),
    ("calendar:holiday_year_edit", "POST"),
    ("calendar:holiday_year_delete", "POST"),
    ("calendar:day_delete", "POST"),
]


@pytest.mark.parametrize(("name", "method"), OBJECT_URLS)
def test_an_unknown_or_huge_id_in_the_address_is_a_404(client, world, name, method):
    client.force_login(world.sysadmin)
    for pk in (0, 987654321, 2**63 - 1, 2**63, 2**70):
        url = reverse(name, args=[pk])
        response = client.get(url) if method == "GET" else client.post(url, {"reason": "原因"})
        assert response.status_code == 404, pk


def test_a_membership_id_that_is_unknown_or_huge_is_a_404(client, world):
    client.force_login(world.admin_a)
    for pk in (987654321, 2**70):
        url = reverse("accounts:membership_end", args=[world.teacher.pk, pk])
        assert client.post(url).status_code == 404


# --- NUL characters: refused before any view, on every database -------------------------------------


def test_a_nul_in_a_form_field_is_refused_with_the_chinese_page_and_nothing_is_written(client, world):
    client.force_login(world.admin_a)
    data = FORMS["user_create"][2](world)
    data["real_name"] = "新\x00老师"
    response = client.post(reverse("accounts:user_create"), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert NUL_PAGE_TEXT in html
    assert "请求无法处理" in html
    assert not User.objects.filter(username="newteacher").exists()


@pytest.mark.parametrize("page", ["org:tree", "accounts:user_list", "audit:event_list", "calendar:overview"])
def test_a_nul_in_the_query_string_of_a_page_is_refused_with_the_chinese_page(client, world, page):
    client.force_login(world.sysadmin)
    response = client.get(reverse(page), {"q": "东城\x00"})
    assert response.status_code == 400
    assert NUL_PAGE_TEXT in response.content.decode()


def test_a_nul_in_an_api_query_parameter_is_a_422_naming_the_parameter(client, world):
    client.force_login(world.sysadmin)
    for url in ("/api/v1/users", "/api/v1/org/units", "/api/v1/org/groups"):
        response = client.get(url, {"q": "东城\x00"})
        assert response.status_code == 422
        body = response.json()
        assert body["code"] == "invalid"
        assert body["message"] == "请求参数有误，请检查：q。"
        assert body["details"] == {"q": ["不能包含空字符（\\u0000）。"]}


@pytest.mark.parametrize(
    ("url", "payload", "field"),
    [
        ("/api/v1/org/units", {"parent": 0, "kind": "primary", "name": "新\u0000小学"}, "name"),
        ("/api/v1/users", {"unit": 0, "username": "u1", "real_name": "a\u0000"}, "real_name"),
        ("/api/v1/users", {"unit": 0, "username": "u1", "real_name": "王", "x": [{"k": "\u0000"}]}, "x.0.k"),
    ],
)
def test_a_nul_in_an_api_body_is_a_422_naming_the_field_and_nothing_is_written(
    client, world, url, payload, field
):
    client.force_login(world.sysadmin)
    payload = {**payload, **({"parent": world.county.town_a.pk} if "parent" in payload else {})}
    payload = {**payload, **({"unit": world.county.school_a.pk} if "unit" in payload else {})}
    units, users = OrgUnit.objects.count(), User.objects.count()
    response = client.post(url, payload, content_type="application/json", headers=csrf_headers(client))
    assert response.status_code == 422
    assert response.json()["details"] == {field: ["不能包含空字符（\\u0000）。"]}
    assert (OrgUnit.objects.count(), User.objects.count()) == (units, users)


def test_an_escaped_backslash_u0000_is_ordinary_text_in_an_api_body(client, world):
    client.force_login(world.sysadmin)
    response = client.patch(
        f"/api/v1/org/units/{world.county.school_a.pk}",
        '{"version": 1, "address": "\\\\u0000路1号"}',
        content_type="application/json",
        headers=csrf_headers(client),
    )
    assert response.status_code == 200
    assert response.json()["address"] == "\\u0000路1号"


def test_a_nul_in_a_patch_body_is_refused_too(client, world):
    client.force_login(world.sysadmin)
    response = client.patch(
        f"/api/v1/users/{world.teacher.pk}",
        {"version": 1, "real_name": "陈\u0000"},
        content_type="application/json",
        headers=csrf_headers(client),
    )
    assert response.status_code == 422
    world.teacher.refresh_from_db()
    assert world.teacher.real_name == "陈老师"


@pytest.mark.parametrize(
    ("header", "value"),
    [
        ("User-Agent", "Mozilla\x00"),
        ("Cookie", "edubureau_session=abcdefgh\x00ij"),
        ("Authorization", "Bearer ebt_abc\x00_def"),
    ],
)
def test_a_nul_in_a_header_is_refused_on_pages_and_in_the_api(client, world, header, value):
    response = client.post(
        reverse("web:login"), {"username": "sysadmin", "password": "x"}, headers={header: value}
    )
    assert response.status_code == 400
    assert NUL_PAGE_TEXT in response.content.decode()
    response = client.get("/api/v1/me", headers={header: value})
    assert response.status_code == 400
    assert response.json()["code"] == "bad_request"
    assert header in response.json()["message"]


# --- requests Django refuses to parse: a Chinese answer, JSON under /api/ -----------------------------


def test_a_form_with_too_many_fields_gets_the_chinese_400_page(client, world):
    client.force_login(world.sysadmin)
    data = {f"f{i}": "1" for i in range(1200)}
    response = client.post(reverse("accounts:token_create"), data)
    assert response.status_code == 400
    assert "提交的项目过多" in response.content.decode()


def test_an_overlong_form_body_gets_the_chinese_400_page(client, world, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client.force_login(world.sysadmin)
    response = client.post(reverse("accounts:token_create"), {"name": "长" * 1000, "days": "30"})
    assert response.status_code == 400
    assert "提交的内容过大" in response.content.decode()


def test_an_unknown_host_gets_the_chinese_400_page_and_json_under_the_api(client, db):
    response = client.get(reverse("web:login"), headers={"host": "evil.example"})
    assert response.status_code == 400
    assert "主机名" in response.content.decode()
    response = client.get("/api/v1/me", headers={"host": "evil.example"})
    assert response.status_code == 400
    assert "主机名" in response.json()["message"]


def test_too_many_api_query_parameters_are_a_400_not_a_500(client, world):
    client.force_login(world.sysadmin)
    response = client.get("/api/v1/users?" + "&".join(["a"] * 1500))
    assert response.status_code == 400
    assert response.json()["message"] == "提交的项目过多，系统无法处理。请分批提交。"


def test_an_overlong_api_body_is_a_413_not_a_500(client, world, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client.force_login(world.sysadmin)
    response = client.post(
        "/api/v1/users",
        {"unit": world.county.school_a.pk, "username": "u1", "real_name": "长" * 1000},
        content_type="application/json",
        headers=csrf_headers(client),
    )
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"


def test_openapi_documents_the_answers_every_operation_may_give(client, world):
    client.force_login(world.sysadmin)
    schema = client.get("/api/v1/openapi.json").json()
    for methods in schema["paths"].values():
        for operation in methods.values():
            assert {"400", "401", "422"} <= set(operation["responses"])
            if "requestBody" in operation:
                assert "413" in operation["responses"]


def test_a_forged_formset_total_builds_no_more_than_sixty_rows(client, world):
    client.force_login(world.sysadmin)
    data = FORMS["holiday_year_days"][2](world)
    data["rows-TOTAL_FORMS"] = "987654321"
    response = client.post(reverse("calendar:holiday_year_detail", args=[2027]), data)
    assert response.status_code == 422
    assert len(response.context["formset"].forms) == 60
    assert CalendarDay.objects.count() == 1


# --- out-of-range values that used to reach the database or be stored --------------------------------


@pytest.mark.parametrize("page", ["audit:event_list", "audit:login_list", "audit:sensitive_list"])
@pytest.mark.parametrize("field", ["date_from", "date_to"])
@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_an_audit_search_outside_the_searchable_years_names_the_field(client, world, page, field, day):
    client.force_login(world.sysadmin)
    response = client.get(reverse(page), {field: day})
    assert response.status_code == 200
    assert response.context["form"].errors[field] == ["请填写2000年至2199年之间的日期。"]


@pytest.mark.parametrize("form_name", ["group_create", "group_members"])
@pytest.mark.parametrize("pk", [str(2**63), str(2**70), "0", "-5"])
def test_a_member_unit_id_out_of_range_is_an_invalid_choice(client, world, form_name, pk):
    client.force_login(world.sysadmin)
    data = FORMS[form_name][2](world)
    data["add_units"] = [pk]
    response = client.post(FORMS[form_name][1](world), data)
    assert response.status_code == 422
    [message] = response.context["form"].errors["add_units"]
    assert "不在可用的选项中" in message


@pytest.mark.parametrize("day", ["0001-01-01", "1799-12-31", "2101-01-01", "9999-12-31"])
def test_an_implausible_opening_date_is_refused_on_the_field(client, world, day):
    client.force_login(world.sysadmin)
    unit = world.county.school_a
    response = client.post(reverse("org:unit_edit", args=[unit.pk]), unit_data(unit, opened_on=day))
    assert response.status_code == 422
    assert response.context["form"].errors["opened_on"] == ["设立日期应在1800年至2100年之间。"]
    unit.refresh_from_db()
    assert unit.opened_on is None


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_an_implausible_closing_date_is_refused_on_the_field(client, world, day):
    client.force_login(world.sysadmin)
    unit = world.county.school_b
    response = client.post(reverse("org:unit_close", args=[unit.pk]), {"closed_on": day, "reason": "撤并"})
    assert response.status_code == 422
    assert response.context["form"].errors["closed_on"] == ["撤并/停办日期应在1800年至2100年之间。"]
    unit.refresh_from_db()
    assert unit.status == "active"


def test_the_api_refuses_an_implausible_opening_date_naming_the_field(client, world):
    client.force_login(world.sysadmin)
    response = client.patch(
        f"/api/v1/org/units/{world.county.school_a.pk}",
        {"version": 1, "opened_on": "0001-01-01"},
        content_type="application/json",
        headers=csrf_headers(client),
    )
    assert response.status_code == 422
    assert response.json()["details"] == {"opened_on": ["设立日期应在1800年至2100年之间。"]}


# --- duplicates and out-of-scope ids: a message on the field, nothing written -------------------------


def test_a_duplicate_username_is_refused_on_the_field(client, world):
    client.force_login(world.admin_a)
    data = {**FORMS["user_create"][2](world), "username": world.teacher.username}
    response = client.post(reverse("accounts:user_create"), data)
    assert response.status_code == 422
    assert response.context["form"].errors["username"] == ["该登录账号已被使用。"]


def test_a_duplicate_school_code_is_refused_on_the_field(client, world):
    client.force_login(world.sysadmin)
    data = FORMS["unit_create"][2](world)
    data["school_code"] = world.county.school_a.school_code
    response = client.post(reverse("org:unit_create"), data)
    assert response.status_code == 422
    assert CJK.search(response.context["form"].errors["school_code"][0])


def test_a_duplicate_group_code_is_refused_on_the_field(client, world):
    client.force_login(world.sysadmin)
    data = {**FORMS["group_create"][2](world), "code": world.county.zone_1.code}
    response = client.post(reverse("org:group_create"), data)
    assert response.status_code == 422
    assert response.context["form"].errors["code"] == ["该编码已被其他分组使用，请换一个。"]


@pytest.mark.parametrize(
    ("form_name", "field", "value"),
    [
        ("school_year_create", "name", "2026—2027学年"),
        ("semester_create", "term", "1"),
        ("holiday_year_create", "year", "2027"),
        ("holiday_year_days", "rows-0-start", "2027-02-06"),
    ],
)
def test_a_duplicate_calendar_entry_gets_a_chinese_message(client, world, form_name, field, value):
    client.force_login(world.sysadmin)
    data = {**FORMS[form_name][2](world), field: value}
    if form_name == "holiday_year_days":
        data["rows-0-end"] = ""
    response = client.post(FORMS[form_name][1](world), data)
    assert response.status_code == 422
    messages = form_messages(response) + list(response.context.get("entry_errors") or [])
    assert messages
    assert all(CJK.search(str(m)) for m in messages)


def test_the_same_day_twice_in_one_entry_gets_a_chinese_message(client, world):
    client.force_login(world.sysadmin)
    data = FORMS["holiday_year_days"][2](world)
    data.update(
        {
            "rows-TOTAL_FORMS": "2",
            "rows-0-end": "",
            "rows-1-start": "2027-02-07",
            "rows-1-kind": DayKind.HOLIDAY,
            "rows-1-name": "春节",
        }
    )
    response = client.post(reverse("calendar:holiday_year_detail", args=[2027]), data)
    assert response.status_code == 422
    messages = form_messages(response) + list(response.context.get("entry_errors") or [])
    assert messages
    assert all(CJK.search(str(m)) for m in messages)
    assert CalendarDay.objects.count() == 1


def test_granting_a_role_the_user_already_holds_gets_a_chinese_message(client, world):
    client.force_login(world.admin_a)
    response = client.post(
        reverse("accounts:membership_grant", args=[world.teacher.pk]), FORMS["membership_grant"][2](world)
    )
    assert response.status_code == 422
    assert response.context["form"].errors["role"] == ["陈老师已在该处拥有角色“教师”。"]
    assert world.teacher.memberships.filter(role=world.grant.role, ended_at__isnull=True).count() == 1


OUT_OF_SCOPE = [
    ("user_create", "unit", lambda w: w.county.school_b.pk),
    ("user_create", "department", lambda w: w.county.safety_dept.pk),
    ("user_edit", "unit", lambda w: w.county.school_c.pk),
    ("membership_grant", "unit", lambda w: w.county.school_b.pk),
    ("membership_grant", "group", lambda w: w.county.zone_1.pk),
]


@pytest.mark.parametrize(("form_name", "field", "value_of"), OUT_OF_SCOPE)
def test_an_out_of_scope_id_in_a_form_is_an_invalid_choice(client, world, form_name, field, value_of):
    client.force_login(world.admin_a)
    data = {**FORMS[form_name][2](world), field: str(value_of(world))}
    if field == "department":
        data["role"] = str(Role.objects.get(code="department_staff").pk)
    if field == "group":
        data["role"] = str(Role.objects.get(code="supervisor").pk)
    users, grants = User.objects.count(), Membership.objects.count()
    response = client.post(FORMS[form_name][1](world), data)
    assert response.status_code == 422
    assert all(CJK.search(str(m)) for m in form_messages(response))
    assert (User.objects.count(), Membership.objects.count()) == (users, grants)
    world.teacher.refresh_from_db()
    assert world.teacher.unit_id == world.county.school_a.pk


@pytest.mark.parametrize(
    "name",
    ["accounts:user_edit", "accounts:user_deactivate", "accounts:membership_grant", "accounts:user_detail"],
)
def test_a_user_of_another_school_is_a_404(client, world, name):
    client.force_login(world.admin_a)
    assert client.get(reverse(name, args=[world.admin_b.pk])).status_code == 404


def test_the_api_answers_unparsable_requests_itself_without_the_middleware(client, world, settings):
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if not m.endswith("RefuseNulMiddleware")]
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10
    _token, text = token_create(actor=world.sysadmin, name="脚本")
    auth = {"Authorization": f"Bearer {text}"}
    response = client.get("/api/v1/users?" + "&".join(["a"] * 1500), headers=auth)
    assert response.status_code == 400
    assert response.json()["code"] == "bad_request"
    payload = {"unit": world.county.school_a.pk, "username": "u1", "real_name": "王老师"}
    response = client.post("/api/v1/users", payload, content_type="application/json", headers=auth)
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"


def test_a_broken_multipart_body_gets_the_chinese_400_page(client, db):
    response = client.post(
        reverse("web:login"), b"--x\r\n", content_type="multipart/form-data"
    )  # no boundary
    assert response.status_code == 400
    assert "请求的格式不正确" in response.content.decode()


def test_another_persons_token_cannot_be_revoked(client, world):
    client.force_login(world.admin_a)
    assert client.post(reverse("accounts:token_revoke", args=[world.token.pk])).status_code == 404
    world.token.refresh_from_db()
    assert world.token.revoked_at is None


def test_a_form_encoded_api_body_is_refused_as_not_json_not_a_500(client, world):
    _token, text = token_create(actor=world.sysadmin, name="脚本")
    auth = {"Authorization": f"Bearer {text}"}
    multipart = b'--BoUnDaRy\r\nContent-Disposition: form-data; name="name"\r\n\r\nabc\r\n--BoUnDaRy--\r\n'
    for content_type, body in (
        ("multipart/form-data; boundary=BoUnDaRy", multipart),
        ("multipart/form-data", b"--x\r\n"),  # no boundary
        ("application/x-www-form-urlencoded", b"name=abc&days=3"),
    ):
        response = client.post("/api/v1/users", body, content_type=content_type, headers=auth)
        assert response.status_code == 400
        assert response.json()["message"] == "请求内容无法解析，请提交合法的 JSON。"
