from django.urls import reverse

from edubureau.common.factories import OrgGroupFactory, make_user
from edubureau.org.choices import GroupKind
from edubureau.org.models import OrgGroup, OrgGroupMember

from .helpers import bulk_schools

GROUPS = reverse("org:group_list")


def group_url(group):
    return reverse("org:group_detail", args=[group.pk])


def listed(response):
    return {
        g.name: [m.unit.name for m in g.visible_memberships]
        for _, _, gs in response.context["sections"]
        for g in gs
    }


def test_leader_sees_every_group_by_kind(client, county, leader):
    OrgGroupFactory(kind=GroupKind.EDU_GROUP, name="东城教育集团", units=[county.school_a, county.school_b])
    client.force_login(leader)
    response = client.get(GROUPS)
    assert listed(response) == {
        "第一督学责任区": ["东城镇中心小学", "西河镇中心幼儿园"],
        "东城教育集团": ["东城镇中心小学", "东城镇初级中学"],
    }
    labels = [label for _, label, _ in response.context["sections"]]
    assert labels == ["学区", "督学责任区", "教育集团", "结对帮扶"]


def test_school_admin_sees_groups_of_their_school_with_only_their_school_listed(client, county, admin_a):
    OrgGroupFactory(kind=GroupKind.DISTRICT, name="西河学区", units=[county.school_c])
    client.force_login(admin_a)
    response = client.get(GROUPS)
    assert listed(response) == {"第一督学责任区": ["东城镇中心小学"]}
    assert "西河镇中心幼儿园" not in response.content.decode()


def test_supervisor_sees_their_zone_and_its_supervisor(client, county, supervisor):
    client.force_login(supervisor)
    response = client.get(group_url(county.zone_1))
    assert response.status_code == 200
    assert [m.unit.name for m in response.context["members"]] == ["东城镇中心小学", "西河镇中心幼儿园"]
    assert [s.user.real_name for s in response.context["supervisors"]] == ["郑督学"]
    assert "郑督学" in response.content.decode()


def test_group_detail_lists_only_members_in_scope(client, county, admin_b):
    group = OrgGroupFactory(
        kind=GroupKind.PAIRING, name="结对帮扶一组", units=[county.school_a, county.school_b]
    )
    client.force_login(admin_b)
    response = client.get(group_url(group))
    assert [m.unit.name for m in response.context["members"]] == ["东城镇初级中学"]
    assert "东城镇中心小学" not in response.content.decode()


def test_group_outside_the_scope_is_404_like_a_missing_one(client, county, admin_b):
    client.force_login(admin_b)  # zone_1 holds school_a and school_c, not school_b
    assert client.get(group_url(county.zone_1)).status_code == 404
    assert client.get(reverse("org:group_detail", args=[999999])).status_code == 404


def test_group_list_uses_a_fixed_number_of_queries(client, county, leader, django_assert_max_num_queries):
    schools = bulk_schools(county.town_a, 60)
    for i in range(20):
        group = OrgGroupFactory(name=f"学区{i}", kind=GroupKind.DISTRICT, units=schools[i * 3 : i * 3 + 3])
        if i < 4:
            make_user("supervisor", unit=county.bureau, group=group)
    client.force_login(leader)
    with django_assert_max_num_queries(9):
        response = client.get(GROUPS)
    assert response.context["total"] == 21


def test_group_create_page_needs_org_manage(client, county, leader):
    client.force_login(leader)
    assert client.get(reverse("org:group_create")).status_code == 404


def test_sysadmin_creates_a_group_with_a_lead_school(client, county, sysadmin):
    client.force_login(sysadmin)
    response = client.post(
        reverse("org:group_create"),
        {
            "kind": GroupKind.EDU_GROUP,
            "name": "东城教育集团",
            "code": "dongcheng",
            "description": "",
            "add_units": [county.school_a.pk, county.school_b.pk],
            "add_role": "member",
        },
    )
    group = OrgGroup.objects.get(code="dongcheng")
    assert response.status_code == 302
    assert set(group.members.values_list("name", flat=True)) == {"东城镇中心小学", "东城镇初级中学"}


def test_group_create_shows_a_duplicate_code_on_the_field(client, county, sysadmin):
    client.force_login(sysadmin)
    response = client.post(
        reverse("org:group_create"),
        {"kind": GroupKind.DISTRICT, "name": "重复", "code": county.zone_1.code, "add_role": "member"},
    )
    assert response.status_code == 422
    assert response.context["form"].errors["code"] == ["该编码已被其他分组使用，请换一个。"]


def test_sysadmin_changes_roles_removes_and_adds_members(client, county, sysadmin):
    client.force_login(sysadmin)
    url = reverse("org:group_members", args=[county.zone_1.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            f"role_{county.school_a.pk}": "lead",
            f"role_{county.school_c.pk}": "",
            "add_units": [county.school_b.pk],
            "add_role": "member",
        },
    )
    assert response.status_code == 302
    roles = dict(OrgGroupMember.objects.filter(group=county.zone_1).values_list("unit__name", "role"))
    assert roles == {"东城镇中心小学": "lead", "东城镇初级中学": "member"}


def test_members_page_is_404_when_a_current_member_is_outside_the_manage_scope(client, county):
    town_admin = make_user("system_admin", unit=county.town_a)
    client.force_login(town_admin)  # zone_1 holds school_c of town_b
    assert client.get(reverse("org:group_members", args=[county.zone_1.pk])).status_code == 404
