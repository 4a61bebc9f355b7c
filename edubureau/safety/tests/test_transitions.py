import datetime

import pytest
from django.utils import timezone

from edubureau.audit.models import AuditEvent
from edubureau.common.errors import ConflictError, ForbiddenError, NotFoundError, ServiceError
from edubureau.safety import services
from edubureau.safety.choices import HazardStatus
from edubureau.safety.models import Hazard, MajorHazardSupervision

from .conftest import photo

PAST = datetime.date(2026, 3, 2)


def test_start_rectify_moves_found_to_rectifying_with_a_workday_deadline(make_hazard, safety_a):
    hazard = make_hazard()
    hazard = services.hazard_start_rectify(
        actor=safety_a,
        hazard=hazard,
        deadline=5,
        measures="更换灭火器",
        responsible_person="李安全",
        cost="320.50",
    )
    assert hazard.status == HazardStatus.RECTIFYING
    assert hazard.deadline_workdays == 5
    assert hazard.deadline > timezone.localdate()
    assert str(hazard.cost) == "320.50"
    assert hazard.events.last().to_status == HazardStatus.RECTIFYING
    assert AuditEvent.objects.filter(action="safety.hazard.start_rectify", object_id=str(hazard.pk)).exists()


def test_start_rectify_needs_measures_person_and_deadline(make_hazard, safety_a):
    hazard = make_hazard()
    with pytest.raises(ServiceError, match="请填写整改措施"):
        services.hazard_start_rectify(
            actor=safety_a, hazard=hazard, deadline=5, measures="", responsible_person="李"
        )
    with pytest.raises(ServiceError, match="请填写整改期限"):
        services.hazard_start_rectify(
            actor=safety_a, hazard=hazard, deadline=None, measures="x", responsible_person="李"
        )
    with pytest.raises(ServiceError, match="不能早于今天"):
        services.hazard_start_rectify(
            actor=safety_a, hazard=hazard, deadline=PAST, measures="x", responsible_person="李"
        )


def test_start_rectify_refuses_a_hazard_already_in_rectification(rectifying_hazard, safety_a):
    hazard = rectifying_hazard()
    with pytest.raises(ServiceError, match="只有“发现”状态"):
        services.hazard_start_rectify(
            actor=safety_a, hazard=hazard, deadline=3, measures="x", responsible_person="y"
        )


def test_stale_version_is_a_conflict(make_hazard, safety_a):
    hazard = make_hazard()
    with pytest.raises(ConflictError):
        services.hazard_start_rectify(
            actor=safety_a,
            hazard=hazard,
            deadline=3,
            measures="x",
            responsible_person="y",
            version=hazard.version + 1,
        )


def test_submit_needs_an_after_photo_or_evidence(rectifying_hazard, safety_a):
    hazard = rectifying_hazard()
    with pytest.raises(ServiceError, match="整改后的照片或其他佐证材料"):
        services.hazard_submit_rectification(actor=safety_a, hazard=hazard, note="已整改")
    assert Hazard.objects.get(pk=hazard.pk).status == HazardStatus.RECTIFYING


def test_submit_accepts_a_photo_uploaded_beforehand(rectifying_hazard, safety_a):
    hazard = rectifying_hazard()
    services.hazard_attach(actor=safety_a, hazard=hazard, files=[photo()], kind="after")
    hazard = services.hazard_submit_rectification(actor=safety_a, hazard=hazard, note="已整改")
    assert hazard.status == HazardStatus.AWAITING_CHECK
    assert hazard.rectified_by == safety_a


def test_rectifier_cannot_verify_own_rectification(awaiting_hazard, safety_a):
    hazard = awaiting_hazard()
    with pytest.raises(ServiceError, match="不能复核自己"):
        services.hazard_verify(actor=safety_a, hazard=hazard, accepted=True)


def test_another_school_user_verifies_and_closes_a_general_hazard(awaiting_hazard, admin_a):
    hazard = awaiting_hazard()
    hazard = services.hazard_verify(actor=admin_a, hazard=hazard, accepted=True, note="现场核实到位")
    assert hazard.status == HazardStatus.CLOSED
    assert hazard.closed_on == timezone.localdate()
    assert hazard.verified_by == admin_a
    assert AuditEvent.objects.filter(action="safety.hazard.close").count() == 1


def test_refused_verification_needs_a_reason_and_goes_back_to_rectification(awaiting_hazard, admin_a):
    hazard = awaiting_hazard()
    with pytest.raises(ServiceError, match="退回原因"):
        services.hazard_verify(actor=admin_a, hazard=hazard, accepted=False)
    new_deadline = timezone.localdate() + datetime.timedelta(days=10)
    hazard = services.hazard_verify(
        actor=admin_a, hazard=hazard, accepted=False, note="仍有一具灭火器过期", deadline=new_deadline
    )
    assert hazard.status == HazardStatus.RECTIFYING
    assert hazard.deadline == new_deadline
    assert hazard.events.last().action == "reject"


def test_verify_refuses_a_hazard_not_awaiting_check(rectifying_hazard, admin_a):
    with pytest.raises(ServiceError, match="只有“待复核”"):
        services.hazard_verify(actor=admin_a, hazard=rectifying_hazard(), accepted=True)


def test_school_cannot_verify_a_major_hazard_but_the_bureau_can(awaiting_hazard, admin_a, dept_officer):
    hazard = awaiting_hazard(level="major")
    with pytest.raises(ServiceError, match="须由教育局复核"):
        services.hazard_verify(actor=admin_a, hazard=hazard, accepted=True)
    hazard = services.hazard_verify(actor=dept_officer, hazard=hazard, accepted=True)
    assert hazard.status == HazardStatus.CLOSED


def test_leader_sees_but_may_not_rectify(make_hazard, leader):
    with pytest.raises(ForbiddenError):
        services.hazard_start_rectify(
            actor=leader, hazard=make_hazard(), deadline=3, measures="x", responsible_person="y"
        )


def test_another_schools_admin_gets_not_found(make_hazard, admin_b):
    with pytest.raises(NotFoundError):
        services.hazard_start_rectify(
            actor=admin_b, hazard=make_hazard(), deadline=3, measures="x", responsible_person="y"
        )


def test_void_needs_a_reason_and_keeps_the_record(make_hazard, admin_a):
    hazard = make_hazard()
    with pytest.raises(ServiceError, match="请填写作废原因"):
        services.hazard_void(actor=admin_a, hazard=hazard, reason=" ")
    hazard = services.hazard_void(actor=admin_a, hazard=hazard, reason="与YH2026-000001重复登记")
    assert Hazard.objects.filter(pk=hazard.pk, status=HazardStatus.VOID).exists()
    assert hazard.voided_by == admin_a


def test_a_closed_hazard_cannot_be_voided(make_hazard, admin_a):
    hazard = make_hazard(fixed_on_spot=True, photos=[photo()])
    with pytest.raises(ServiceError, match="不能作废"):
        services.hazard_void(actor=admin_a, hazard=hazard, reason="x")


def test_voiding_a_major_hazard_is_for_the_bureau_and_lifts_its_listing(make_hazard, admin_a, dept_officer):
    hazard = make_hazard(level="major")
    with pytest.raises(ServiceError, match="须由教育局作废"):
        services.hazard_void(actor=admin_a, hazard=hazard, reason="误报")
    services.hazard_void(actor=dept_officer, hazard=hazard, reason="经核实为误报")
    assert not MajorHazardSupervision.objects.get(hazard=hazard).is_active


def test_update_edits_an_open_hazard_and_names_the_changed_fields(make_hazard, admin_a):
    hazard = make_hazard()
    hazard = services.hazard_update(
        actor=admin_a, hazard=hazard, version=hazard.version, place="实验楼一楼", cost=100
    )
    assert hazard.place == "实验楼一楼"
    assert "隐患部位" in hazard.events.last().note


def test_update_refuses_a_stale_version_and_a_closed_hazard(make_hazard, admin_a):
    hazard = make_hazard()
    services.hazard_update(actor=admin_a, hazard=hazard, version=hazard.version, place="A")
    with pytest.raises(ConflictError):
        services.hazard_update(actor=admin_a, hazard=hazard, version=hazard.version, place="B")
    closed = make_hazard(fixed_on_spot=True, photos=[photo()])
    with pytest.raises(ServiceError, match="不能修改"):
        services.hazard_update(actor=admin_a, hazard=closed, version=closed.version, place="C")


def test_raising_the_level_lists_the_hazard_and_only_the_bureau_lowers_it(make_hazard, admin_a, dept_officer):
    hazard = make_hazard()
    hazard = services.hazard_update(actor=admin_a, hazard=hazard, version=hazard.version, level="major")
    assert MajorHazardSupervision.objects.get(hazard=hazard).is_active
    with pytest.raises(ServiceError, match="须由教育局确认"):
        services.hazard_update(actor=admin_a, hazard=hazard, version=hazard.version, level="general")
    hazard = services.hazard_update(
        actor=dept_officer, hazard=hazard, version=hazard.version, level="general"
    )
    assert not MajorHazardSupervision.objects.get(hazard=hazard).is_active


def test_update_refuses_unknown_fields(make_hazard, admin_a):
    hazard = make_hazard()
    with pytest.raises(ServiceError, match="不能修改这些字段"):
        services.hazard_update(actor=admin_a, hazard=hazard, version=hazard.version, status="closed")


def test_overdue_is_derived_from_the_deadline(make_hazard, safety_a):
    late = make_hazard(found_on=PAST, deadline=datetime.date(2026, 3, 9))
    on_time = make_hazard(
        found_on=PAST, deadline=timezone.localdate() + datetime.timedelta(days=3), place="另一处"
    )
    assert late.is_overdue and not on_time.is_overdue
    assert list(Hazard.objects.overdue()) == [late]
    assert late.overdue_days == (timezone.localdate() - datetime.date(2026, 3, 9)).days


def test_awaiting_check_rectified_in_time_is_not_overdue_while_it_waits(make_hazard, safety_a):
    hazard = make_hazard(found_on=PAST, deadline=datetime.date(2026, 3, 20))
    at = timezone.make_aware(datetime.datetime(2026, 3, 5, 9))
    services.hazard_start_rectify(
        actor=safety_a,
        hazard=hazard,
        deadline=datetime.date(2026, 3, 20),
        measures="x",
        responsible_person="y",
        at=at,
    )
    services.hazard_submit_rectification(
        actor=safety_a, hazard=hazard, note="done", photos=[photo()], rectified_on=datetime.date(2026, 3, 18)
    )
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.AWAITING_CHECK
    assert not hazard.is_overdue
    assert not Hazard.objects.overdue().exists()
    late = make_hazard(found_on=PAST, deadline=datetime.date(2026, 3, 10), place="迟交")
    services.hazard_start_rectify(
        actor=safety_a,
        hazard=late,
        deadline=datetime.date(2026, 3, 10),
        measures="x",
        responsible_person="y",
        at=at,
    )
    services.hazard_submit_rectification(
        actor=safety_a, hazard=late, note="done", photos=[photo()], rectified_on=datetime.date(2026, 3, 18)
    )
    assert list(Hazard.objects.overdue()) == [late]


def test_closed_and_void_hazards_are_never_overdue(make_hazard, admin_a):
    hazard = make_hazard(found_on=PAST, deadline=datetime.date(2026, 3, 9))
    services.hazard_void(actor=admin_a, hazard=hazard, reason="重复")
    assert not Hazard.objects.overdue().exists()


def test_transitions_cannot_be_dated_in_the_future(make_hazard, safety_a):
    with pytest.raises(ServiceError, match="不能晚于当前时间"):
        services.hazard_start_rectify(
            actor=safety_a,
            hazard=make_hazard(),
            deadline=3,
            measures="x",
            responsible_person="y",
            at=timezone.now() + datetime.timedelta(days=1),
        )


# --- 挂牌督办 -----------------------------------------------------------------------------------


@pytest.fixture
def listed(make_hazard):
    return lambda: MajorHazardSupervision.objects.get(hazard=make_hazard(level="major", category="building"))


def test_school_and_bureau_both_report_progress(listed, admin_a, leader):
    supervision = listed()
    services.supervision_progress_add(
        actor=admin_a, supervision=supervision, text="已设置警戒线，停止使用该楼梯。"
    )
    services.supervision_progress_add(
        actor=leader, supervision=supervision, text="现场督导，要求月底前完成加固。"
    )
    assert supervision.progress.count() == 2
    assert AuditEvent.objects.filter(action="safety.supervision.progress").count() == 2


def test_supervisor_may_not_report_progress(listed, supervisor):
    with pytest.raises(ForbiddenError):
        services.supervision_progress_add(actor=supervisor, supervision=listed(), text="x")


def test_lift_waits_for_the_hazard_to_be_closed(listed, leader, safety_a, dept_officer):
    supervision = listed()
    with pytest.raises(ServiceError, match="销号后方可摘牌"):
        services.supervision_lift(actor=leader, supervision=supervision)
    hazard = supervision.hazard
    services.hazard_start_rectify(
        actor=safety_a, hazard=hazard, deadline=10, measures="加固", responsible_person="王"
    )
    services.hazard_submit_rectification(actor=safety_a, hazard=hazard, note="加固完成", photos=[photo()])
    services.hazard_verify(actor=dept_officer, hazard=hazard, accepted=True)
    services.supervision_lift(actor=leader, supervision=supervision, note="经复核整改到位")
    supervision.refresh_from_db()
    assert not supervision.is_active
    with pytest.raises(ServiceError, match="已经摘牌"):
        services.supervision_lift(actor=leader, supervision=supervision)
    with pytest.raises(ServiceError, match="已摘牌"):
        services.supervision_progress_add(actor=leader, supervision=supervision, text="x")


def test_bureau_sets_deadline_and_a_leader_who_may_supervise(listed, dept_officer, leader, admin_a):
    supervision = listed()
    deadline = timezone.localdate() + datetime.timedelta(days=40)
    supervision = services.supervision_update(
        actor=dept_officer,
        supervision=supervision,
        deadline=deadline,
        leader=leader,
        requirement="每周报告进展",
    )
    assert (supervision.deadline, supervision.leader) == (deadline, leader)
    with pytest.raises(ServiceError, match="不能作为责任领导"):
        services.supervision_update(
            actor=dept_officer,
            supervision=supervision,
            deadline=deadline,
            leader=admin_a,
            version=supervision.version,
        )
    with pytest.raises(ForbiddenError):
        services.supervision_update(actor=admin_a, supervision=supervision, deadline=deadline)


def test_past_bureau_deadline_is_derived(listed):
    supervision = listed()
    MajorHazardSupervision.objects.filter(pk=supervision.pk).update(deadline=PAST)
    supervision.refresh_from_db()
    assert supervision.is_past_deadline
    assert supervision.days_past_deadline > 0
