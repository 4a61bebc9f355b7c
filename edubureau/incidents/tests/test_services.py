"""The services: what they write, what they audit and what they refuse (in Chinese)."""

import datetime
from decimal import Decimal

import pytest

from edubureau.audit.models import AuditEvent
from edubureau.common.errors import ConflictError, NotFoundError, ServiceError
from edubureau.common.factories import SchoolFactory
from edubureau.incidents import services
from edubureau.incidents.choices import ReportKind
from edubureau.incidents.models import Incident, IncidentReport, IncidentTimeLimit
from edubureau.org.choices import UnitKind, UnitStatus

from .conftest import facts, report_kwargs

H = datetime.timedelta(hours=1)


# --- first report -------------------------------------------------------------------------------------


def test_a_school_reports_an_incident_and_its_first_report_in_one_step(safety_a, county, t0, report_first):
    incident = report_first(safety_a, county.school_a, t0, after=H)
    assert incident.school == county.school_a
    assert incident.created_by == safety_a
    assert incident.recorded_by_bureau is False
    assert incident.bureau_learned_at == t0 + H  # learned with the report: no phone call given
    report = IncidentReport.objects.get(incident=incident)
    assert (report.kind, report.sequence, report.submitted_at) == (ReportKind.FIRST, 1, t0 + H)
    assert report.text == incident.summary
    assert report.submitted_by == safety_a
    actions = set(AuditEvent.objects.filter(unit=county.school_a).values_list("action", flat=True))
    assert {"incident.report_first", "incident.report.submit"} <= actions


def test_a_phone_call_before_the_written_report_is_when_the_bureau_learned(admin_a, county, t0):
    incident = services.incident_report_first(
        actor=admin_a,
        reporter_name="王校长",
        reporter_phone="0578-5123456",
        phoned_at=t0 + datetime.timedelta(minutes=10),
        now=t0 + H,
        **facts(county.school_a, t0),
    )
    assert incident.bureau_learned_at == t0 + datetime.timedelta(minutes=10)


def test_a_teacher_cannot_report_an_incident(teacher_a, county, t0, report_first):
    with pytest.raises(NotFoundError):
        report_first(teacher_a, county.school_a, t0)
    assert not Incident.objects.exists()


def test_a_school_admin_cannot_report_for_another_school(admin_b, county, t0, report_first):
    with pytest.raises(NotFoundError):
        report_first(admin_b, county.school_a, t0)


def test_the_bureau_does_not_file_school_reports(dept_officer, county, t0, report_first):
    with pytest.raises(NotFoundError):
        report_first(dept_officer, county.school_a, t0)


def test_an_incident_is_reported_at_a_school_not_at_a_town(sysadmin, county, t0, report_first):
    from edubureau.common.factories import make_user

    town_admin = make_user("school_admin", unit=county.town_a)
    with pytest.raises(ServiceError, match="具体学校"):
        report_first(town_admin, county.town_a, t0)


def test_a_closed_school_cannot_report(county, t0, report_first):
    from edubureau.common.factories import make_user

    closed = SchoolFactory(
        kind=UnitKind.PRIMARY, parent=county.town_a, status=UnitStatus.CLOSED, closed_on=t0.date()
    )
    officer = make_user("safety_officer", unit=closed)
    with pytest.raises(ServiceError, match="撤并"):
        report_first(officer, closed, t0)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"title": ""}, "title", "请填写事件名称"),
        ({"title": "长" * 101}, "title", "不能超过100个字"),
        ({"place": "   "}, "place", "请填写事发地点"),
        ({"summary": ""}, "summary", "请填写事件简要经过"),
        ({"measures": ""}, "measures", "请填写已采取的措施"),
        ({"category": "earthquake"}, "category", "事件类别"),
        ({"level": "huge"}, "level", "事件级别"),
        ({"deaths": -1}, "deaths", "不能为负数"),
        ({"injuries": "三"}, "injuries", "应为整数"),
        ({"injuries": 100001}, "injuries", "不能超过"),
        ({"estimated_loss": "12.345"}, "estimated_loss", "两位小数"),
        ({"estimated_loss": "-5"}, "estimated_loss", "不能为负数"),
        ({"estimated_loss": "abc"}, "estimated_loss", "应为金额"),
        ({"estimated_loss": "NaN"}, "estimated_loss", "应为金额"),
        ({"estimated_loss": "1e12"}, "estimated_loss", "过大"),
        ({"summary": "含\x00字符"}, "summary", "非法字符"),
    ],
)
def test_bad_facts_are_refused_naming_the_field(safety_a, county, t0, overrides, field, message):
    with pytest.raises(ServiceError, match=message) as exc:
        services.incident_report_first(
            actor=safety_a,
            reporter_name="李安全",
            reporter_phone="13800000000",
            now=t0 + H,
            **facts(county.school_a, t0, **overrides),
        )
    assert exc.value.field == field
    assert not Incident.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"reporter_name": ""}, "reporter_name", "请填写报告人"),
        ({"reporter_phone": ""}, "reporter_phone", "请填写联系电话"),
        ({"reporter_phone": "call me"}, "reporter_phone", "只能包含数字"),
        ({"phoned_at": "now"}, "phoned_at", "电话报告时间"),
    ],
)
def test_the_reporter_must_be_reachable(safety_a, county, t0, changes, field, message):
    kwargs = {"reporter_name": "李安全", "reporter_phone": "13800000000", **changes}
    with pytest.raises(ServiceError, match=message) as exc:
        services.incident_report_first(actor=safety_a, now=t0 + H, **kwargs, **facts(county.school_a, t0))
    assert exc.value.field == field


def test_an_incident_cannot_happen_in_the_future_or_before_2000(safety_a, county, t0, report_first):
    with pytest.raises(ServiceError, match="不能晚于当前时间") as exc:
        report_first(safety_a, county.school_a, t0, after=-H)
    assert exc.value.field == "occurred_at"
    with pytest.raises(ServiceError, match="2000"):
        report_first(safety_a, county.school_a, t0.replace(year=1999))


def test_a_phone_call_before_the_incident_is_refused(safety_a, county, t0):
    with pytest.raises(ServiceError, match="不能早于事发时间") as exc:
        services.incident_report_first(
            actor=safety_a,
            reporter_name="李安全",
            reporter_phone="13800000000",
            phoned_at=t0 - H,
            now=t0 + H,
            **facts(county.school_a, t0),
        )
    assert exc.value.field == "phoned_at"


def test_the_loss_is_kept_in_yuan_with_two_places(safety_a, county, t0, report_first):
    incident = report_first(safety_a, county.school_a, t0, estimated_loss="1200.5")
    incident.refresh_from_db()
    assert incident.estimated_loss == Decimal("1200.50")


# --- follow-ups and the final report ------------------------------------------------------------------


def test_follow_ups_are_numbered_in_order_and_carry_the_figures_of_their_time(
    safety_a, county, t0, report_first
):
    incident = report_first(safety_a, county.school_a, t0)
    one = services.incident_add_followup(actor=safety_a, incident=incident, now=t0 + 5 * H, **report_kwargs())
    two = services.incident_add_followup(
        actor=safety_a, incident=incident, now=t0 + 30 * H, **report_kwargs(injuries=2, estimated_loss="300")
    )
    assert (one.sequence, two.sequence) == (2, 3)
    assert (one.label, two.label) == ("第1次续报", "第2次续报")
    assert (two.injuries, two.estimated_loss) == (2, Decimal("300.00"))
    incident.refresh_from_db()
    assert incident.injuries == 1  # the incident's own figures stay as first recorded
    assert AuditEvent.objects.filter(action="incident.report.followup").count() == 2


def test_the_final_report_needs_a_cause(safety_a, county, t0, report_first):
    incident = report_first(safety_a, county.school_a, t0)
    with pytest.raises(ServiceError, match="请填写原因分析") as exc:
        services.incident_final_report(
            actor=safety_a, incident=incident, cause="", now=t0 + 5 * H, **report_kwargs()
        )
    assert exc.value.field == "cause"


def test_there_is_at_most_one_final_report_and_no_follow_up_after_it(safety_a, county, t0, report_first):
    incident = report_first(safety_a, county.school_a, t0)
    final = services.incident_final_report(
        actor=safety_a, incident=incident, cause="课间奔跑。", now=t0 + 48 * H, **report_kwargs()
    )
    assert (final.kind, final.sequence, final.label) == (ReportKind.FINAL, 2, "终报")
    with pytest.raises(ServiceError, match="已报送终报"):
        services.incident_final_report(
            actor=safety_a, incident=incident, cause="再报一次。", now=t0 + 50 * H, **report_kwargs()
        )
    with pytest.raises(ServiceError, match="不能再续报"):
        services.incident_add_followup(actor=safety_a, incident=incident, now=t0 + 50 * H, **report_kwargs())
    assert incident.reports.count() == 2


def test_another_school_cannot_add_a_follow_up(admin_b, safety_a, county, t0, report_first):
    incident = report_first(safety_a, county.school_a, t0)
    with pytest.raises(NotFoundError):
        services.incident_add_followup(actor=admin_b, incident=incident, now=t0 + 2 * H, **report_kwargs())


def test_a_report_text_too_long_is_refused(safety_a, county, t0, report_first):
    incident = report_first(safety_a, county.school_a, t0)
    with pytest.raises(ServiceError, match="不能超过4000个字") as exc:
        services.incident_add_followup(
            actor=safety_a, incident=incident, now=t0 + 2 * H, **report_kwargs(text="字" * 4001)
        )
    assert exc.value.field == "text"


# --- the bureau ---------------------------------------------------------------------------------------


def test_the_bureau_records_an_incident_the_school_did_not_report(dept_officer, county, t0, record_missed):
    incident = record_missed(dept_officer, county.school_a, t0)
    assert incident.recorded_by_bureau is True
    assert incident.bureau_source == "家长来电"
    assert incident.acknowledged_by == dept_officer  # the bureau knows what it recorded itself
    assert not incident.reports.exists()
    assert AuditEvent.objects.filter(action="incident.record_by_bureau", unit=county.school_a).exists()


def test_a_school_cannot_record_as_the_bureau(admin_a, county, t0, record_missed):
    with pytest.raises(NotFoundError):
        record_missed(admin_a, county.school_a, t0)


def test_the_bureau_cannot_have_learned_before_it_happened(dept_officer, county, t0):
    with pytest.raises(ServiceError, match="不能早于事发时间") as exc:
        services.incident_record_by_bureau(
            actor=dept_officer,
            bureau_learned_at=t0 - H,
            bureau_source="家长来电",
            now=t0 + H,
            **facts(county.school_a, t0),
        )
    assert exc.value.field == "bureau_learned_at"


def test_the_bureau_record_needs_its_source(dept_officer, county, t0):
    with pytest.raises(ServiceError, match="信息来源"):
        services.incident_record_by_bureau(
            actor=dept_officer,
            bureau_learned_at=t0 + H,
            bureau_source="",
            now=t0 + H,
            **facts(county.school_a, t0),
        )


def test_the_school_supplements_a_first_report_for_a_recorded_incident(
    dept_officer, safety_a, county, t0, record_missed
):
    incident = record_missed(dept_officer, county.school_a, t0)
    with pytest.raises(ServiceError, match="先补报初报"):
        services.incident_add_followup(actor=safety_a, incident=incident, now=t0 + 30 * H, **report_kwargs())
    report = services.incident_report_supplement(
        actor=safety_a, incident=incident, now=t0 + 30 * H, **report_kwargs()
    )
    assert (report.kind, report.sequence) == (ReportKind.FIRST, 1)
    with pytest.raises(ServiceError, match="已有初报"):
        services.incident_report_supplement(
            actor=safety_a, incident=incident, now=t0 + 31 * H, **report_kwargs()
        )
    follow = services.incident_add_followup(
        actor=safety_a, incident=incident, now=t0 + 40 * H, **report_kwargs()
    )
    assert follow.sequence == 2


def test_a_school_reported_incident_cannot_be_supplemented(safety_a, county, t0, report_first):
    incident = report_first(safety_a, county.school_a, t0)
    with pytest.raises(ServiceError, match="已有初报"):
        services.incident_report_supplement(
            actor=safety_a, incident=incident, now=t0 + 2 * H, **report_kwargs()
        )


def test_the_bureau_acknowledges_and_again_after_each_new_report(
    dept_officer, safety_a, county, t0, report_first
):
    incident = report_first(safety_a, county.school_a, t0)
    services.incident_acknowledge(actor=dept_officer, incident=incident, now=t0 + 2 * H)
    incident.refresh_from_db()
    assert (incident.acknowledged_by, incident.acknowledged_at) == (dept_officer, t0 + 2 * H)
    with pytest.raises(ServiceError, match="均已签收"):
        services.incident_acknowledge(actor=dept_officer, incident=incident, now=t0 + 3 * H)
    services.incident_add_followup(actor=safety_a, incident=incident, now=t0 + 4 * H, **report_kwargs())
    services.incident_acknowledge(actor=dept_officer, incident=incident, now=t0 + 5 * H)
    incident.refresh_from_db()
    assert incident.acknowledged_at == t0 + 5 * H
    event = AuditEvent.objects.filter(action="incident.acknowledge").first()
    assert datetime.datetime.fromisoformat(event.before["acknowledged_at"]) == t0 + 2 * H


def test_nothing_to_acknowledge_before_the_school_reports(dept_officer, county, t0, record_missed):
    incident = record_missed(dept_officer, county.school_a, t0)
    with pytest.raises(ServiceError, match="暂无可签收"):
        services.incident_acknowledge(actor=dept_officer, incident=incident, now=t0 + 30 * H)


def test_schools_and_leaders_cannot_acknowledge(admin_a, leader, safety_a, county, t0, report_first):
    incident = report_first(safety_a, county.school_a, t0)
    for user in (admin_a, leader):
        with pytest.raises(NotFoundError):
            services.incident_acknowledge(actor=user, incident=incident, now=t0 + 2 * H)


# --- time limits --------------------------------------------------------------------------------------


def test_the_migration_loads_defaults_for_every_level(db):
    rows = {r.level: r for r in IncidentTimeLimit.objects.all()}
    assert set(rows) == {"general", "larger", "major", "grave"}
    assert rows["general"].first_report_minutes == 240
    assert rows["larger"].first_report_minutes == 60
    assert rows["major"].first_report_minutes == 30
    assert rows["grave"].first_report_minutes == 30


def test_a_system_admin_changes_a_level_s_limits(sysadmin):
    limit = IncidentTimeLimit.objects.get(level="general")
    services.time_limit_update(
        actor=sysadmin,
        limit=limit,
        first_report_minutes=120,
        followup_interval_hours=24,
        final_report_days=5,
        note="按市局新规定",
        version=limit.version,
    )
    limit.refresh_from_db()
    assert (limit.first_report_minutes, limit.followup_interval_hours, limit.final_report_days) == (
        120,
        24,
        5,
    )
    assert limit.version == 2
    event = AuditEvent.objects.get(action="incident.time_limit.update")
    assert event.before["first_report_minutes"] == 240
    assert event.after["first_report_minutes"] == 120


def test_only_a_county_wide_system_admin_changes_limits(dept_officer, admin_a, county):
    from edubureau.common.factories import make_user

    school_sysadmin = make_user("system_admin", unit=county.school_a)
    limit = IncidentTimeLimit.objects.get(level="general")
    for user in (dept_officer, admin_a, school_sysadmin):
        with pytest.raises(NotFoundError):
            services.time_limit_update(
                actor=user,
                limit=limit,
                first_report_minutes=60,
                followup_interval_hours=24,
                final_report_days=7,
            )


def test_a_stale_limit_edit_is_a_conflict(sysadmin):
    limit = IncidentTimeLimit.objects.get(level="general")
    kwargs = {"first_report_minutes": 60, "followup_interval_hours": 24, "final_report_days": 7}
    services.time_limit_update(actor=sysadmin, limit=limit, version=1, **kwargs)
    with pytest.raises(ConflictError):
        services.time_limit_update(actor=sysadmin, limit=limit, version=1, **kwargs)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"first_report_minutes": 0}, "first_report_minutes"),
        ({"first_report_minutes": "x"}, "first_report_minutes"),
        ({"followup_interval_hours": 10000}, "followup_interval_hours"),
        ({"final_report_days": 0}, "final_report_days"),
        ({"first_report_minutes": 3 * 1440, "final_report_days": 2}, "final_report_days"),
    ],
)
def test_limits_out_of_range_are_refused(sysadmin, kwargs, field):
    limit = IncidentTimeLimit.objects.get(level="general")
    values = {"first_report_minutes": 240, "followup_interval_hours": 72, "final_report_days": 7, **kwargs}
    with pytest.raises(ServiceError) as exc:
        services.time_limit_update(actor=sysadmin, limit=limit, **values)
    assert exc.value.field == field
