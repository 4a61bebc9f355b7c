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


def test_closed_unit_leaves_the_denominator_after_its_closing_date_but_keeps_its_history(county):
    import datetime

    county.school_b.status = "closed"
    county.school_b.closed_on = datetime.date(2026, 8, 31)
    county.school_b.save()

    spring = OrgUnit.objects.schools().existing_during(datetime.date(2026, 3, 1), datetime.date(2026, 6, 30))
    autumn = OrgUnit.objects.schools().existing_during(datetime.date(2026, 9, 1), datetime.date(2027, 1, 20))

    assert county.school_b in spring
    assert county.school_b not in autumn
    assert county.school_b not in OrgUnit.objects.active()
    assert OrgUnit.objects.filter(pk=county.school_b.pk).exists()


def test_unit_opened_after_the_period_is_not_expected_to_report(county):
    import datetime

    county.school_c.opened_on = datetime.date(2026, 9, 1)
    county.school_c.save()
    spring = OrgUnit.objects.existing_during(datetime.date(2026, 3, 1), datetime.date(2026, 6, 30))
    assert county.school_c not in spring
