"""The reporting rules: default time limits and how an incident stands against them.

Everything here is derived from the records and the configured limits, never stored: an incident is
迟报 (late) when its first report came later than the level's limit after the incident HAPPENED
(`occurred_at`, as DOMAIN.md §7 puts it: "a first report within a time limit after it happens"; the
time the school learned of it is not recorded separately, so a school that learns late explains that in
its report text); 漏报 (missed) while the school has not reported an incident the bureau recorded;
终报逾期 when no final report exists N days after the incident; 续报到期 when, before the final
report, the last report is older than the follow-up interval.

Limits are read at the time of judging: when a system admin changes them, every incident (past ones
too) is judged by the new values. The change itself is in the audit log.

`selectors.py` builds the same rules as database conditions for filtering; the tests check that both
agree.
"""

import datetime
from dataclasses import dataclass

from .choices import IncidentLevel, Timeliness

# (first report within N minutes of the incident, follow-up every N hours until the final report,
#  final report within N days). Chosen from DOMAIN.md §7: first report in writing within 4 hours
# for ordinary incidents, far sooner for serious ones; a closing report within about a week.
DEFAULT_TIME_LIMITS = {
    IncidentLevel.GENERAL: (4 * 60, 72, 7),
    IncidentLevel.LARGER: (60, 24, 10),
    IncidentLevel.MAJOR: (30, 12, 15),
    IncidentLevel.GRAVE: (30, 6, 30),
}
DEFAULT_NOTES = {
    IncidentLevel.GENERAL: "事发后立即电话报告，4小时内书面初报；每3天续报一次；7日内终报。",
    IncidentLevel.LARGER: "事发后立即电话报告，1小时内书面初报；每日续报；10日内终报。",
    IncidentLevel.MAJOR: "事发后立即电话报告，30分钟内书面初报；每12小时续报；15日内终报。",
    IncidentLevel.GRAVE: "事发后立即电话报告，30分钟内书面初报；每6小时续报；30日内终报。",
}


def format_minutes(minutes):
    """240 -> 4小时, 30 -> 30分钟, 90 -> 1小时30分钟, 2880 -> 2天."""
    minutes = int(minutes)
    if minutes >= 1440 and minutes % 1440 == 0:
        return f"{minutes // 1440}天"
    if minutes < 60:
        return f"{minutes}分钟"
    hours, rest = divmod(minutes, 60)
    text = f"{hours}小时"
    return text + (f"{rest}分钟" if rest else "")


def format_delta(delta):
    """A duration as 2天3小时, 1小时15分钟 or 20分钟 (rounded down to the minute)."""
    minutes = max(0, int(delta.total_seconds() // 60))
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    parts = []
    if days:
        parts.append(f"{days}天")
    if hours:
        parts.append(f"{hours}小时")
    if mins and not days:
        parts.append(f"{mins}分钟")
    return "".join(parts) or "不到1分钟"


@dataclass(frozen=True)
class Standing:
    """Where one incident stands against its level's time limits at `now`."""

    first_deadline: datetime.datetime
    first_report_at: datetime.datetime | None
    timeliness: str  # a Timeliness value
    late_by: datetime.timedelta | None
    supplemented: bool  # recorded by the bureau, reported by the school afterwards
    final_due: datetime.datetime
    final_report_at: datetime.datetime | None
    final_overdue: bool
    followup_due_at: datetime.datetime | None  # None once the final report is in (or nothing reported)
    followup_due: bool
    needs_ack: bool

    @property
    def is_late(self):
        return self.timeliness == Timeliness.LATE

    @property
    def is_missed(self):
        return self.timeliness == Timeliness.MISSED

    @property
    def is_closed(self):
        return self.final_report_at is not None

    @property
    def timeliness_label(self):
        label = Timeliness(self.timeliness).label
        if self.is_late and self.late_by is not None:
            label = f"迟报{format_delta(self.late_by)}"
        if self.supplemented:
            label += "（漏报后补报）"
        return label


def standing(incident, limit, now):
    """The Standing of `incident`, which carries `first_report_at`, `final_report_at`,
    `last_report_at` (selectors annotate them), under `limit` (an IncidentTimeLimit) at `now`."""
    first = incident.first_report_at
    final = incident.final_report_at
    last = incident.last_report_at
    deadline = incident.occurred_at + datetime.timedelta(minutes=limit.first_report_minutes)
    if first is None:
        timeliness, late_by = Timeliness.MISSED, None
    elif first > deadline:
        timeliness, late_by = Timeliness.LATE, first - deadline
    else:
        timeliness, late_by = Timeliness.ON_TIME, None
    final_due = incident.occurred_at + datetime.timedelta(days=limit.final_report_days)
    followup_due_at = None
    if final is None and last is not None:
        followup_due_at = last + datetime.timedelta(hours=limit.followup_interval_hours)
    acked = incident.acknowledged_at
    return Standing(
        first_deadline=deadline,
        first_report_at=first,
        timeliness=timeliness,
        late_by=late_by,
        supplemented=incident.recorded_by_bureau and first is not None,
        final_due=final_due,
        final_report_at=final,
        final_overdue=final is None and now > final_due,
        followup_due_at=followup_due_at,
        followup_due=followup_due_at is not None and now >= followup_due_at,
        needs_ack=acked is None or (last is not None and last > acked),
    )
