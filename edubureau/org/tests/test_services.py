import datetime

import pytest

from edubureau.audit.models import AuditEvent
from edubureau.common.errors import ConflictError, NotFoundError, ServiceError
from edubureau.common.factories import OrgUnitFactory, SchoolFactory
from edubureau.org import services
from edubureau.org.choices import GroupKind, GroupMemberRole, UnitKind, UnitStatus
from edubureau.org.models import OrgGroupMember, OrgUnit


def events(action):
    return list(AuditEvent.objects.filter(action=action))


# --- create -----------------------------------------------------------------------------------


def test_sysadmin_creates_a_school_under_a_town_with_path_and_audit(county, sysadmin):
    unit = services.unit_create(
        actor=sysadmin,
        parent=county.town_b,
        kind=UnitKind.PRIMARY,
        name="西河镇第二小学",
        school_code="2133000901",
    )
    unit.refresh_from_db()
    assert unit.path == county.town_b.path + f"{unit.pk:08d}/"
    assert unit.depth == 2
    [event] = events("org.unit.create")
    assert event.object_id == str(unit.pk)
    assert event.unit_id == unit.pk
    assert event.after["school_code"] == "2133000901"


def test_unit_create_refuses_a_school_code_of_another_school_type(county, sysadmin):
    with pytest.raises(ServiceError) as info:
        services.unit_create(
            actor=sysadmin,
            parent=county.town_b,
            kind=UnitKind.PRIMARY,
            name="错码小学",
            school_code="3133000901",
        )
    assert info.value.field == "school_code"
    assert "前两位应为21" in info.value.message
    assert not OrgUnit.objects.filter(name="错码小学").exists()


def test_unit_create_refuses_a_duplicate_school_code_on_the_field(county, sysadmin):
    with pytest.raises(ServiceError) as info:
        services.unit_create(
            actor=sysadmin,
            parent=county.town_b,
            kind=UnitKind.PRIMARY,
            name="重复小学",
            school_code=county.school_a.school_code,
        )
    assert info.value.field == "school_code"
    assert info.value.message == "该学校标识码已被其他单位使用，请核对。"


def test_unit_create_refuses_a_bad_uscc_check_character(county, sysadmin):
    with pytest.raises(ServiceError) as info:
        services.unit_create(
            actor=sysadmin,
            parent=county.town_b,
            kind=UnitKind.PRIMARY,
            name="某小学",
            uscc="91110000600037341M",
        )
    assert info.value.field == "uscc"
    assert "校验位不正确" in info.value.message


def test_unit_create_refuses_a_school_under_a_department(county, sysadmin):
    with pytest.raises(ServiceError, match="不能设在科室之下"):
        services.unit_create(actor=sysadmin, parent=county.safety_dept, kind=UnitKind.PRIMARY, name="某小学")


def test_school_admin_cannot_create_units_anywhere(county, admin_a):
    with pytest.raises(NotFoundError):
        services.unit_create(
            actor=admin_a, parent=county.school_a, kind=UnitKind.TEACHING_POINT, name="教学点"
        )


# --- update -----------------------------------------------------------------------------------


def test_unit_update_changes_fields_bumps_version_and_audits_only_the_change(county, sysadmin):
    unit = services.unit_update(
        actor=sysadmin, unit=county.school_a, version=1, address="东城镇人民路1号", phone="0571-1234567"
    )
    assert unit.version == 2
    [event] = events("org.unit.update")
    assert event.before == {"address": "", "phone": "", "version": 1}
    assert event.after == {"address": "东城镇人民路1号", "phone": "0571-1234567", "version": 2}
    assert ("address", "", "东城镇人民路1号") in event.changed_fields


def test_unit_update_with_a_stale_version_is_refused_with_a_conflict(county, sysadmin):
    services.unit_update(actor=sysadmin, unit=county.school_a, version=1, address="新地址")
    with pytest.raises(ConflictError, match="已被他人修改"):
        services.unit_update(actor=sysadmin, unit=county.school_a, version=1, address="旧页面里的地址")
    county.school_a.refresh_from_db()
    assert county.school_a.address == "新地址"
    assert len(events("org.unit.update")) == 1


def test_unit_update_refuses_puhui_for_a_primary_school(county, sysadmin):
    with pytest.raises(ServiceError) as info:
        services.unit_update(actor=sysadmin, unit=county.school_a, is_puhui=True)
    assert info.value.field == "is_puhui"


def test_unit_update_refuses_fields_outside_the_list(county, sysadmin):
    with pytest.raises(ServiceError, match="不能修改这些字段"):
        services.unit_update(actor=sysadmin, unit=county.school_a, path="00000001/")


def test_leader_without_org_manage_cannot_update(county, leader):
    with pytest.raises(NotFoundError):
        services.unit_update(actor=leader, unit=county.school_a, address="x")


# --- close / reopen ---------------------------------------------------------------------------


def test_unit_close_needs_a_reason(county, sysadmin):
    with pytest.raises(ServiceError) as info:
        services.unit_close(
            actor=sysadmin, unit=county.school_c, closed_on=datetime.date(2026, 7, 1), reason=" "
        )
    assert info.value.field == "reason"


def test_unit_close_needs_a_date(county, sysadmin):
    with pytest.raises(ServiceError) as info:
        services.unit_close(actor=sysadmin, unit=county.school_c, closed_on=None, reason="并入中心园")
    assert info.value.field == "closed_on"
    county.school_c.refresh_from_db()
    assert county.school_c.status == UnitStatus.ACTIVE


def test_unit_close_marks_the_unit_closed_and_audits_the_reason(county, sysadmin):
    unit = services.unit_close(
        actor=sysadmin, unit=county.school_c, closed_on=datetime.date(2026, 7, 1), reason="并入中心园"
    )
    assert unit.status == UnitStatus.CLOSED
    assert unit.closed_on == datetime.date(2026, 7, 1)
    [event] = events("org.unit.close")
    assert event.note == "并入中心园"
    assert event.after["status"] == "closed"


def test_unit_close_refuses_a_unit_with_open_children(county, sysadmin):
    with pytest.raises(ServiceError, match="还有正常办学的下级单位"):
        services.unit_close(
            actor=sysadmin, unit=county.town_a, closed_on=datetime.date(2026, 7, 1), reason="撤并"
        )


def test_unit_reopen_restores_a_closed_unit(county, sysadmin):
    services.unit_close(
        actor=sysadmin, unit=county.school_c, closed_on=datetime.date(2026, 7, 1), reason="停办"
    )
    unit = services.unit_reopen(actor=sysadmin, unit=county.school_c, reason="恢复招生")
    assert unit.status == UnitStatus.ACTIVE
    assert unit.closed_on is None
    assert events("org.unit.reopen")[0].note == "恢复招生"


def test_unit_reopen_refuses_while_the_parent_is_closed(county, sysadmin):
    services.unit_close(
        actor=sysadmin, unit=county.school_c, closed_on=datetime.date(2026, 7, 1), reason="停办"
    )
    services.unit_close(
        actor=sysadmin, unit=county.town_b, closed_on=datetime.date(2026, 7, 2), reason="撤镇"
    )
    with pytest.raises(ServiceError, match="上级单位已撤并"):
        services.unit_reopen(actor=sysadmin, unit=county.school_c, reason="恢复")


# --- move -------------------------------------------------------------------------------------


def test_unit_move_carries_the_whole_subtree_in_one_transaction(
    county, sysadmin, django_assert_max_num_queries
):
    point = OrgUnitFactory(
        kind=UnitKind.TEACHING_POINT, name="东城镇中心小学某村教学点", parent=county.school_a
    )
    sub = OrgUnitFactory(kind=UnitKind.TEACHING_POINT, name="更下级教学点", parent=point)
    services.unit_move(actor=sysadmin, unit=county.school_a, new_parent=county.town_b, version=1)
    for unit in (county.school_a, point, sub):
        unit.refresh_from_db()
    assert county.school_a.parent_id == county.town_b.pk
    assert county.school_a.path == county.town_b.path + f"{county.school_a.pk:08d}/"
    assert point.path == county.school_a.path + f"{point.pk:08d}/"
    assert sub.path == point.path + f"{sub.pk:08d}/"
    assert (county.school_a.depth, point.depth, sub.depth) == (2, 3, 4)
    assert county.school_a.version == 2
    [event] = events("org.unit.move")
    assert event.before["parent"] == county.town_a.pk
    assert event.after == {"parent": county.town_b.pk, "path": county.school_a.path}
    assert set(OrgUnit.objects.subtree_of(county.town_b).values_list("name", flat=True)) == {
        "西河镇",
        "西河镇中心幼儿园",
        "东城镇中心小学",
        "东城镇中心小学某村教学点",
        "更下级教学点",
    }


def test_unit_move_is_atomic_when_the_audit_write_fails(county, sysadmin, monkeypatch):
    point = OrgUnitFactory(kind=UnitKind.TEACHING_POINT, name="教学点", parent=county.school_a)
    old_paths = {u.pk: u.path for u in OrgUnit.objects.all()}

    def broken_record(**kwargs):
        raise RuntimeError("audit down")

    monkeypatch.setattr(services.audit, "record", broken_record)
    with pytest.raises(RuntimeError):
        services.unit_move(actor=sysadmin, unit=county.school_a, new_parent=county.town_b)
    assert {u.pk: u.path for u in OrgUnit.objects.all()} == old_paths
    point.refresh_from_db()
    assert point.depth == 3


def test_unit_move_under_its_own_descendant_is_refused(county, sysadmin):
    with pytest.raises(ServiceError, match="不能把单位移到它自己或它的下级单位之下") as info:
        services.unit_move(actor=sysadmin, unit=county.town_a, new_parent=county.school_a)
    assert info.value.field == "parent"
    with pytest.raises(ServiceError, match="它自己"):
        services.unit_move(actor=sysadmin, unit=county.town_a, new_parent=county.town_a)
    assert not events("org.unit.move")


def test_unit_move_with_a_stale_version_is_refused(county, sysadmin):
    services.unit_update(actor=sysadmin, unit=county.school_a, version=1, phone="123456")
    with pytest.raises(ConflictError):
        services.unit_move(actor=sysadmin, unit=county.school_a, new_parent=county.town_b, version=1)


def test_unit_move_under_a_closed_unit_is_refused(county, sysadmin):
    services.unit_close(
        actor=sysadmin, unit=county.school_c, closed_on=datetime.date(2026, 7, 1), reason="停办"
    )
    services.unit_close(
        actor=sysadmin, unit=county.town_b, closed_on=datetime.date(2026, 7, 1), reason="撤镇"
    )
    with pytest.raises(ServiceError, match="已撤并/停办的单位之下"):
        services.unit_move(actor=sysadmin, unit=county.school_a, new_parent=county.town_b)


def test_unit_move_needs_org_manage_on_the_new_parent(county):
    from edubureau.common.factories import make_user

    town_admin = make_user("system_admin", unit=county.town_a)
    with pytest.raises(NotFoundError):
        services.unit_move(actor=town_admin, unit=county.school_a, new_parent=county.town_b)


# --- groups -----------------------------------------------------------------------------------


def test_group_create_with_members_and_roles(county, sysadmin):
    group = services.group_create(
        actor=sysadmin,
        kind=GroupKind.EDU_GROUP,
        name="东城教育集团",
        code="dc-group",
        members=[(county.school_a, GroupMemberRole.LEAD), county.school_b],
    )
    roles = dict(OrgGroupMember.objects.filter(group=group).values_list("unit__name", "role"))
    assert roles == {"东城镇中心小学": "lead", "东城镇初级中学": "member"}
    assert events("org.group.create")[0].after["members"] == [county.school_a.pk, county.school_b.pk]


def test_group_create_refuses_a_repeated_member(county, sysadmin):
    with pytest.raises(ServiceError, match="重复出现"):
        services.group_create(
            actor=sysadmin,
            kind=GroupKind.PAIRING,
            name="结对",
            code="pair-1",
            members=[(county.school_a, "helper"), (county.school_a, "helped")],
        )


def test_group_set_members_replaces_members_and_audits(county, sysadmin):
    services.group_set_members(actor=sysadmin, group=county.zone_1, members=[county.school_b])
    assert list(county.zone_1.members.values_list("name", flat=True)) == ["东城镇初级中学"]
    event = events("org.group.members")[0]
    assert event.before == {"members": sorted([county.school_a.pk, county.school_c.pk])}


def test_group_set_members_needs_org_manage_even_for_an_empty_group(county, teacher_a):
    from edubureau.common.factories import OrgGroupFactory

    empty = OrgGroupFactory(name="空分组")
    with pytest.raises(NotFoundError):
        services.group_set_members(actor=teacher_a, group=empty, members=[])


def test_group_set_members_refuses_an_unknown_role(county, sysadmin):
    with pytest.raises(ServiceError, match="未知的成员角色"):
        services.group_set_members(actor=sysadmin, group=county.zone_1, members=[(county.school_b, "boss")])


def test_school_admin_cannot_add_another_school_to_a_group(county):
    from edubureau.common.factories import make_user

    town_admin = make_user("system_admin", unit=county.town_a)
    new_school = SchoolFactory(name="新学校", parent=county.town_a)
    with pytest.raises(NotFoundError):  # zone_1 holds school_c, outside town_a
        services.group_set_members(actor=town_admin, group=county.zone_1, members=[new_school])
