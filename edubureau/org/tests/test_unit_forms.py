import datetime

from django.urls import reverse

from edubureau.audit.models import AuditEvent
from edubureau.common.factories import SchoolFactory, make_user
from edubureau.org import services
from edubureau.org.choices import UnitStatus
from edubureau.org.models import OrgUnit


def form_data(unit, **changes):
    data = {
        "kind": unit.kind,
        "name": unit.name,
        "short_name": unit.short_name,
        "school_code": unit.school_code,
        "uscc": unit.uscc,
        "division_code": unit.division_code,
        "ownership": unit.ownership,
        "kindergarten_grade": unit.kindergarten_grade,
        "address": unit.address,
        "contact_person": unit.contact_person,
        "phone": unit.phone,
        "opened_on": unit.opened_on or "",
        "sort_order": unit.sort_order,
        "version": unit.version,
    }
    if unit.is_puhui:
        data["is_puhui"] = "on"
    data.update(changes)
    return data


def edit_url(unit):
    return reverse("org:unit_edit", args=[unit.pk])


def test_sysadmin_edits_a_unit_and_is_sent_back_to_its_page(client, county, sysadmin):
    client.force_login(sysadmin)
    response = client.post(edit_url(county.school_a), form_data(county.school_a, address="人民路1号"))
    assert response.status_code == 302
    assert response["Location"] == county.school_a.get_absolute_url()
    county.school_a.refresh_from_db()
    assert county.school_a.address == "人民路1号"
    assert county.school_a.version == 2
    assert AuditEvent.objects.filter(action="org.unit.update", channel="web").count() == 1


def test_bad_school_code_shows_the_validator_message_on_the_field(client, county, sysadmin):
    client.force_login(sysadmin)
    response = client.post(edit_url(county.school_a), form_data(county.school_a, school_code="21330"))
    assert response.status_code == 422
    assert response.context["form"].errors["school_code"] == ["学校标识码应为10位数字。"]
    assert "学校标识码应为10位数字。" in response.content.decode()


def test_bad_uscc_check_character_shows_the_message_on_the_uscc_field(client, county, sysadmin):
    client.force_login(sysadmin)
    response = client.post(edit_url(county.school_a), form_data(county.school_a, uscc="91110000600037341M"))
    assert response.status_code == 422
    assert response.context["form"].errors["uscc"] == ["统一社会信用代码校验位不正确，请核对。"]


def test_school_code_of_the_wrong_type_and_duplicate_code_show_on_the_field(client, county, sysadmin):
    client.force_login(sysadmin)
    response = client.post(edit_url(county.school_a), form_data(county.school_a, school_code="3133000999"))
    assert "前两位应为21" in response.context["form"].errors["school_code"][0]
    other = SchoolFactory(kind="primary", name="另一所小学", parent=county.town_b)
    response = client.post(
        edit_url(county.school_a), form_data(county.school_a, school_code=other.school_code)
    )
    assert response.context["form"].errors["school_code"] == ["该学校标识码已被其他单位使用，请核对。"]


def test_stale_edit_is_refused_with_the_conflict_message(client, county, sysadmin):
    client.force_login(sysadmin)
    stale = form_data(county.school_a, address="旧页面的地址")
    services.unit_update(actor=sysadmin, unit=county.school_a, version=1, address="别人先改的地址")
    response = client.post(edit_url(county.school_a), stale)
    assert response.status_code == 422
    assert "该记录已被他人修改，请刷新页面后重新编辑。" in response.content.decode()
    county.school_a.refresh_from_db()
    assert county.school_a.address == "别人先改的地址"


def test_school_admin_cannot_open_the_edit_page_of_their_own_school(client, county, admin_a):
    client.force_login(admin_a)  # school admins do not hold org.manage
    assert client.get(edit_url(county.school_a)).status_code == 404
    assert client.post(edit_url(county.school_a), form_data(county.school_a, address="x")).status_code == 404


def test_unit_create_form_preselects_the_parent_and_creates_the_unit(client, county, sysadmin):
    client.force_login(sysadmin)
    url = reverse("org:unit_create")
    response = client.get(url, {"parent": county.town_b.pk})
    assert response.status_code == 200
    assert response.context["form"]["parent"].value() == county.town_b.pk
    data = form_data(
        OrgUnit(kind="primary", name="西河镇第二小学"), school_code="2133000777", parent=county.town_b.pk
    )
    del data["version"]
    response = client.post(url, data)
    unit = OrgUnit.objects.get(name="西河镇第二小学")
    assert response.status_code == 302
    assert unit.parent_id == county.town_b.pk


def test_unit_create_shows_a_service_refusal_on_the_parent_field(client, county, sysadmin):
    client.force_login(sysadmin)
    data = form_data(OrgUnit(kind="primary", name="科室下的小学"), parent=county.safety_dept.pk)
    del data["version"]
    response = client.post(reverse("org:unit_create"), data)
    assert response.status_code == 422
    assert response.context["form"].errors["parent"] == ["小学不能设在科室之下。"]


def test_unit_create_with_a_parent_outside_the_manage_scope_is_404(client, county):
    town_admin = make_user("system_admin", unit=county.town_a)
    client.force_login(town_admin)
    assert client.get(reverse("org:unit_create"), {"parent": county.town_b.pk}).status_code == 404


def test_move_form_offers_only_managed_parents_that_can_hold_the_unit(client, county):
    town_admin = make_user("system_admin", unit=county.town_a)
    client.force_login(town_admin)
    response = client.get(reverse("org:unit_move", args=[county.school_a.pk]))
    offered = list(response.context["form"].fields["parent"].queryset)
    assert (
        offered == []
    )  # only town_a is managed, and the school already sits there; schools fit nowhere else


def test_move_form_moves_a_school_to_another_town(client, county, sysadmin):
    client.force_login(sysadmin)
    url = reverse("org:unit_move", args=[county.school_a.pk])
    offered = {u.name for u in client.get(url).context["form"].fields["parent"].queryset}
    assert offered == {"测试县教育局", "西河镇"}  # not the current parent, not a department
    response = client.post(url, {"parent": county.town_b.pk, "version": 1})
    assert response.status_code == 302
    county.school_a.refresh_from_db()
    assert county.school_a.path.startswith(county.town_b.path)


def test_move_form_refuses_a_parent_outside_the_choices(client, county, sysadmin):
    client.force_login(sysadmin)
    response = client.post(reverse("org:unit_move", args=[county.town_a.pk]), {"parent": county.school_a.pk})
    assert response.status_code == 422
    assert "parent" in response.context["form"].errors


def test_close_and_reopen_through_the_pages(client, county, sysadmin):
    client.force_login(sysadmin)
    close_url = reverse("org:unit_close", args=[county.school_c.pk])
    response = client.post(close_url, {"closed_on": "", "reason": ""})
    assert response.status_code == 422
    assert set(response.context["form"].errors) == {"closed_on", "reason"}
    response = client.post(close_url, {"closed_on": "2026-07-01", "reason": "并入中心园"})
    assert response.status_code == 302
    county.school_c.refresh_from_db()
    assert county.school_c.status == UnitStatus.CLOSED
    assert county.school_c.closed_on == datetime.date(2026, 7, 1)
    response = client.post(reverse("org:unit_reopen", args=[county.school_c.pk]), {"reason": "恢复招生"})
    assert response.status_code == 302
    county.school_c.refresh_from_db()
    assert county.school_c.status == UnitStatus.ACTIVE


def test_closing_a_town_with_open_schools_shows_the_refusal(client, county, sysadmin):
    client.force_login(sysadmin)
    response = client.post(
        reverse("org:unit_close", args=[county.town_a.pk]), {"closed_on": "2026-07-01", "reason": "撤并"}
    )
    assert response.status_code == 422
    assert "还有正常办学的下级单位" in response.content.decode()
