from edubureau.accounts.models import User
from edubureau.accounts.scope import user_can, user_scope_prefixes
from edubureau.org.models import OrgGroup, OrgUnit


def names(qs):
    return sorted(u.name for u in qs)


def test_leader_sees_the_whole_county(county, leader):
    assert OrgUnit.objects.visible_to(leader).count() == OrgUnit.objects.count()


def test_school_admin_sees_only_own_school(county, admin_a):
    assert names(OrgUnit.objects.visible_to(admin_a)) == ["东城镇中心小学"]


def test_supervisor_sees_the_schools_of_their_zone(county, supervisor):
    assert names(OrgUnit.objects.visible_to(supervisor)) == ["东城镇中心小学", "西河镇中心幼儿园"]


def test_supervisor_sees_their_zone_but_not_other_groups(county, supervisor):
    from edubureau.common.factories import OrgGroupFactory

    OrgGroupFactory(name="第二督学责任区", units=[county.school_b])
    assert [g.name for g in OrgGroup.objects.visible_to(supervisor)] == ["第一督学责任区"]


def test_town_membership_covers_the_whole_town_subtree(county):
    from edubureau.common.factories import make_user

    town_officer = make_user("leader", unit=county.town_a)
    assert names(OrgUnit.objects.visible_to(town_officer)) == ["东城镇", "东城镇中心小学", "东城镇初级中学"]


def test_ended_membership_grants_nothing(county, admin_a):
    from django.utils import timezone

    admin_a.memberships.update(ended_at=timezone.now())
    fresh = User.objects.get(pk=admin_a.pk)
    assert OrgUnit.objects.visible_to(fresh).count() == 0


def test_user_without_membership_sees_nothing(county):
    from edubureau.common.factories import UserFactory

    assert OrgUnit.objects.visible_to(UserFactory(unit=county.school_a)).count() == 0


def test_scope_prefixes_collapse_nested_units(county):
    from edubureau.common.factories import grant, make_user

    user = make_user("leader", unit=county.town_a)
    grant(user, "leader", unit=county.school_a)
    assert user_scope_prefixes(user, "org.view") == [county.town_a.path]


def test_scope_is_per_permission(county, admin_a, teacher_a):
    assert user_can(admin_a, "users.manage", county.school_a)
    assert not user_can(teacher_a, "users.manage", county.school_a)
    assert not user_can(admin_a, "users.manage", county.school_b)


def test_scope_is_computed_with_a_fixed_number_of_queries(county, supervisor, django_assert_num_queries):
    fresh = User.objects.get(pk=supervisor.pk)
    with django_assert_num_queries(4):  # memberships, group members, two lists
        list(OrgUnit.objects.visible_to(fresh))
        list(OrgUnit.objects.visible_to(fresh))
