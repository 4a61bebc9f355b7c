"""迟报, 漏报, 终报逾期, 续报到期, 待签收: derived from the reports and the configured limits, the same in
Python (rules.standing) and in the database filters (selectors.flag_condition)."""

import datetime

import pytest

from edubureau.incidents import selectors, services
from edubureau.incidents.choices import IncidentFlag, Timeliness
from edubureau.incidents.rules import format_delta, format_minutes

from .conftest import report_kwargs

H = datetime.timedelta(hours=1)
M = datetime.timedelta(minutes=1)


def standing_of(user, incident, now):
    incident = selectors.incident_detail(user=user, pk=incident.pk)
    return selectors.attach_standing([incident], limits=selectors.limits_by_level(), now=now)[0].standing


def flagged(user, flag, now):
    return set(selectors.incident_list(user=user, flag=flag, now=now).values_list("pk", flat=True))


def test_a_first_report_exactly_at_the_limit_is_on_time_and_a_minute_later_is_late(
    leader, safety_a, county, t0, report_first
):
    on_time = report_first(safety_a, county.school_a, t0, after=4 * H)
    late = report_first(safety_a, county.school_a, t0, after=4 * H + M, title="另一起")
    now = t0 + 10 * H
    assert standing_of(leader, on_time, now).timeliness == Timeliness.ON_TIME
    s = standing_of(leader, late, now)
    assert s.timeliness == Timeliness.LATE
    assert s.late_by == M
    assert s.timeliness_label == "迟报1分钟"
    assert flagged(leader, IncidentFlag.LATE, now) == {late.pk}


@pytest.mark.parametrize(
    ("level", "after", "late"),
    [
        ("general", 3 * H, False),
        ("larger", 3 * H, True),
        ("larger", 50 * M, False),
        ("major", 50 * M, True),
        ("grave", 30 * M, False),
        ("grave", 31 * M, True),
    ],
)
def test_the_limit_depends_on_the_level(leader, safety_a, county, t0, report_first, level, after, late):
    incident = report_first(safety_a, county.school_a, t0, after=after, level=level)
    now = t0 + 10 * H
    assert standing_of(leader, incident, now).is_late is late
    assert (incident.pk in flagged(leader, IncidentFlag.LATE, now)) is late
    assert (incident.pk in flagged(leader, IncidentFlag.LATE_OR_MISSED, now)) is late


def test_a_changed_limit_judges_every_incident_again(leader, safety_a, county, t0, report_first, limits):
    incident = report_first(safety_a, county.school_a, t0, after=3 * H)
    now = t0 + 10 * H
    assert not standing_of(leader, incident, now).is_late
    limits("general", first_minutes=120)
    assert standing_of(leader, incident, now).is_late
    assert flagged(leader, IncidentFlag.LATE, now) == {incident.pk}


def test_lateness_is_measured_from_when_it_happened_not_from_the_phone_call(leader, safety_a, county, t0):
    incident = services.incident_report_first(
        actor=safety_a,
        school=county.school_a,
        title="学生摔伤",
        occurred_at=t0,
        category="campus_injury",
        level="general",
        place="操场",
        summary="摔伤。",
        measures="送医。",
        reporter_name="李安全",
        reporter_phone="13800000000",
        phoned_at=t0 + 3 * H,
        now=t0 + 5 * H,
    )
    assert standing_of(leader, incident, t0 + 6 * H).is_late


def test_an_incident_recorded_by_the_bureau_is_missed_until_the_school_reports(
    leader, dept_officer, safety_a, county, t0, record_missed
):
    incident = record_missed(dept_officer, county.school_a, t0, learned_after=2 * H)
    now = t0 + 3 * H
    s = standing_of(leader, incident, now)
    assert (s.timeliness, s.timeliness_label, s.supplemented) == (Timeliness.MISSED, "漏报", False)
    assert flagged(leader, IncidentFlag.MISSED, now) == {incident.pk}
    assert flagged(leader, IncidentFlag.LATE, now) == set()
    services.incident_report_supplement(actor=safety_a, incident=incident, now=t0 + 6 * H, **report_kwargs())
    now = t0 + 7 * H
    s = standing_of(leader, incident, now)
    assert s.timeliness == Timeliness.LATE
    assert s.supplemented
    assert s.timeliness_label == "迟报2小时（漏报后补报）"
    assert flagged(leader, IncidentFlag.MISSED, now) == set()
    assert flagged(leader, IncidentFlag.LATE, now) == {incident.pk}


def test_a_supplement_within_the_limit_is_not_late(leader, dept_officer, safety_a, county, t0, record_missed):
    incident = record_missed(dept_officer, county.school_a, t0, learned_after=H)
    services.incident_report_supplement(actor=safety_a, incident=incident, now=t0 + 2 * H, **report_kwargs())
    s = standing_of(leader, incident, t0 + 3 * H)
    assert (s.timeliness, s.supplemented, s.timeliness_label) == (
        Timeliness.ON_TIME,
        True,
        "按时报送（漏报后补报）",
    )


def test_the_final_report_is_overdue_after_the_level_s_days(leader, safety_a, county, t0, report_first):
    incident = report_first(safety_a, county.school_a, t0)
    due = t0 + datetime.timedelta(days=7)
    assert not standing_of(leader, incident, due).final_overdue
    assert flagged(leader, IncidentFlag.FINAL_OVERDUE, due) == set()
    later = due + M
    assert standing_of(leader, incident, later).final_overdue
    assert flagged(leader, IncidentFlag.FINAL_OVERDUE, later) == {incident.pk}
    assert flagged(leader, IncidentFlag.OPEN, later) == {incident.pk}
    services.incident_final_report(
        actor=safety_a, incident=incident, cause="奔跑。", now=later, **report_kwargs()
    )
    assert not standing_of(leader, incident, later + H).final_overdue
    assert flagged(leader, IncidentFlag.FINAL_OVERDUE, later + H) == set()
    assert flagged(leader, IncidentFlag.CLOSED, later + H) == {incident.pk}


def test_a_follow_up_is_due_an_interval_after_the_last_report(
    leader, safety_a, county, t0, report_first, limits
):
    limits("general", followup_hours=24)
    incident = report_first(safety_a, county.school_a, t0, after=H)
    s = standing_of(leader, incident, t0 + 24 * H)
    assert s.followup_due_at == t0 + 25 * H
    assert not s.followup_due
    assert flagged(leader, IncidentFlag.FOLLOWUP_DUE, t0 + 24 * H) == set()
    assert standing_of(leader, incident, t0 + 25 * H).followup_due
    assert flagged(leader, IncidentFlag.FOLLOWUP_DUE, t0 + 25 * H) == {incident.pk}
    services.incident_add_followup(actor=safety_a, incident=incident, now=t0 + 26 * H, **report_kwargs())
    s = standing_of(leader, incident, t0 + 27 * H)
    assert (s.followup_due_at, s.followup_due) == (t0 + 50 * H, False)
    assert flagged(leader, IncidentFlag.FOLLOWUP_DUE, t0 + 27 * H) == set()


def test_no_follow_up_is_due_after_the_final_report(leader, safety_a, county, t0, report_first):
    incident = report_first(safety_a, county.school_a, t0)
    services.incident_final_report(
        actor=safety_a, incident=incident, cause="奔跑。", now=t0 + 2 * H, **report_kwargs()
    )
    s = standing_of(leader, incident, t0 + 30 * 24 * H)
    assert (s.followup_due_at, s.followup_due, s.final_overdue) == (None, False, False)


def test_a_new_report_after_acknowledgement_needs_acknowledging_again(
    leader, dept_officer, safety_a, county, t0, report_first
):
    incident = report_first(safety_a, county.school_a, t0)
    now = t0 + 3 * H
    assert standing_of(leader, incident, now).needs_ack
    assert flagged(leader, IncidentFlag.UNACKNOWLEDGED, now) == {incident.pk}
    services.incident_acknowledge(actor=dept_officer, incident=incident, now=t0 + 2 * H)
    assert not standing_of(leader, incident, now).needs_ack
    assert flagged(leader, IncidentFlag.UNACKNOWLEDGED, now) == set()
    services.incident_add_followup(actor=safety_a, incident=incident, now=t0 + 4 * H, **report_kwargs())
    assert standing_of(leader, incident, t0 + 5 * H).needs_ack
    assert flagged(leader, IncidentFlag.UNACKNOWLEDGED, t0 + 5 * H) == {incident.pk}


def test_python_and_database_agree_on_every_flag_across_a_mix_of_incidents(
    leader, dept_officer, safety_a, county, t0, report_first, record_missed, limits
):
    limits("larger", first_minutes=45, followup_hours=12, final_days=3)
    a = report_first(safety_a, county.school_a, t0, after=30 * M, level="larger")
    b = report_first(safety_a, county.school_a, t0, after=2 * H, level="larger", title="b")
    c = report_first(safety_a, county.school_a, t0, after=5 * H, title="c")
    d = record_missed(dept_officer, county.school_a, t0)
    e = report_first(safety_a, county.school_a, t0 - 10 * 24 * H, after=H, title="e")
    services.incident_add_followup(actor=safety_a, incident=b, now=t0 + 20 * H, **report_kwargs())
    services.incident_final_report(actor=safety_a, incident=c, cause="x", now=t0 + 30 * H, **report_kwargs())
    services.incident_acknowledge(actor=dept_officer, incident=a, now=t0 + 40 * H)
    incidents = [a, b, c, d, e]
    for now in (t0 + 6 * H, t0 + 33 * H, t0 + 4 * 24 * H):
        rows = selectors.attach_standing(
            selectors.incident_list(user=leader, now=now), limits=selectors.limits_by_level(), now=now
        )
        python = {
            IncidentFlag.LATE: {i.pk for i in rows if i.standing.is_late},
            IncidentFlag.MISSED: {i.pk for i in rows if i.standing.is_missed},
            IncidentFlag.LATE_OR_MISSED: {i.pk for i in rows if i.standing.is_late or i.standing.is_missed},
            IncidentFlag.OPEN: {i.pk for i in rows if not i.standing.is_closed},
            IncidentFlag.CLOSED: {i.pk for i in rows if i.standing.is_closed},
            IncidentFlag.FINAL_OVERDUE: {i.pk for i in rows if i.standing.final_overdue},
            IncidentFlag.FOLLOWUP_DUE: {i.pk for i in rows if i.standing.followup_due},
            IncidentFlag.UNACKNOWLEDGED: {i.pk for i in rows if i.standing.needs_ack},
        }
        assert {i.pk for i in rows} == {i.pk for i in incidents}
        for flag, expected in python.items():
            assert flagged(leader, flag, now) == expected, (flag, now)
    assert python[IncidentFlag.LATE] == {b.pk, c.pk}
    assert python[IncidentFlag.MISSED] == {d.pk}


def test_the_inbox_lists_unacknowledged_incidents_first_then_the_newest(
    leader, dept_officer, safety_a, county, t0, report_first
):
    old_new = report_first(safety_a, county.school_a, t0 - 48 * H, title="较早未签收")
    recent_read = report_first(safety_a, county.school_a, t0, title="最近已签收")
    services.incident_acknowledge(actor=dept_officer, incident=recent_read, now=t0 + 2 * H)
    newest_new = report_first(safety_a, county.school_a, t0 + H, title="最新未签收")
    order = list(selectors.incident_list(user=leader, now=t0 + 3 * H).values_list("title", flat=True))
    assert order == [newest_new.title, old_new.title, recent_read.title]


@pytest.mark.parametrize(
    ("minutes", "text"),
    [
        (30, "30分钟"),
        (60, "1小时"),
        (90, "1小时30分钟"),
        (240, "4小时"),
        (1440, "1天"),
        (2880, "2天"),
        (1500, "25小时"),
    ],
)
def test_limits_read_as_plain_chinese(minutes, text):
    assert format_minutes(minutes) == text


def test_delays_read_as_plain_chinese():
    assert format_delta(datetime.timedelta(seconds=20)) == "不到1分钟"
    assert format_delta(datetime.timedelta(hours=5, minutes=10)) == "5小时10分钟"
    assert format_delta(datetime.timedelta(days=2, hours=3, minutes=5)) == "2天3小时"
