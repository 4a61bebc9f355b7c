"""The demo county's campaigns: built through the services, figures that read like the seed summaries."""

import pytest
from django.db import transaction

from edubureau.accounts.models import User
from edubureau.demo.builder import build_county
from edubureau.inspections import figures, services
from edubureau.inspections.choices import CampaignStatus, Mode
from edubureau.inspections.models import Campaign, CampaignTarget, Visit


@pytest.fixture(scope="module")
def _demo_once(django_db_setup, django_db_blocker, tmp_path_factory):
    from django.conf import settings

    old_media = settings.MEDIA_ROOT
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("demo-media")
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield build_county()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            settings.MEDIA_ROOT = old_media


@pytest.fixture
def demo(_demo_once, db):
    return _demo_once


def by_theme(theme):
    return Campaign.objects.get(theme=theme)


def test_demo_has_campaigns_in_every_mode(demo):
    modes = set(Campaign.objects.values_list("mode", flat=True))
    assert modes == {Mode.SURVEY, Mode.SPOT_CHECK, Mode.UNANNOUNCED, Mode.SELF_CHECK}


def test_the_gas_check_found_eight_problems_at_six_schools_all_fixed_on_the_spot(demo):
    s = figures.summary(by_theme("gas"))
    assert (s["schools_covered"], s["hazards_found"], s["hazards_on_the_spot"], s["hazards_rectified"]) == (
        6,
        8,
        8,
        8,
    )


def test_the_semester_survey_covered_every_target_school(demo):
    s = figures.summary(by_theme("semester_start"))
    assert s["schools_covered"] == s["schools_targeted"] > 40
    assert s["teams"] == 4
    assert s["person_visits"] >= s["visits"]
    assert s["hazards_found"] > 0


def test_the_demo_draws_verify(demo):
    for campaign in Campaign.objects.filter(target_rule="sample"):
        assert services.verify_draw(campaign)["matches"] is True


def test_schools_not_yet_visited_do_not_see_the_running_unannounced_check(demo):
    campaign = Campaign.objects.get(mode=Mode.UNANNOUNCED)
    assert campaign.status == CampaignStatus.OPEN
    visited = set(
        Visit.objects.filter(campaign=campaign, status="recorded").values_list("school_id", flat=True)
    )
    pending = (
        set(CampaignTarget.objects.filter(campaign=campaign).values_list("school_id", flat=True)) - visited
    )
    assert visited and pending
    for user in User.objects.filter(unit_id__in=pending, memberships__role__code="school_admin"):
        assert not Campaign.objects.visible_to(user).filter(pk=campaign.pk).exists()
    for user in User.objects.filter(unit_id__in=visited, memberships__role__code="school_admin"):
        assert Campaign.objects.visible_to(user).filter(pk=campaign.pk).exists()


def test_the_key_school_still_has_its_fire_self_check_to_do(demo):
    from edubureau.web.todos import collect_todos

    items = collect_todos(User.objects.get(username="anquanyuan1")).items
    assert any(i.kind_label == "安全自查" for i in items)
