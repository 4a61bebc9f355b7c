from django.db import models


class IncidentLevel(models.TextChoices):
    """Severity grades of the national emergency plans (IV to I)."""

    GENERAL = "general", "一般"
    LARGER = "larger", "较大"
    MAJOR = "major", "重大"
    GRAVE = "grave", "特别重大"


class IncidentCategory(models.TextChoices):
    CAMPUS_INJURY = "campus_injury", "校园伤害"
    TRAFFIC = "traffic", "交通"
    DROWNING = "drowning", "溺水"
    FOOD_POISONING = "food_poisoning", "食物中毒"
    INFECTIOUS = "infectious", "传染病"
    FIRE = "fire", "火灾"
    PUBLIC_ORDER = "public_order", "治安"
    NATURAL_DISASTER = "natural_disaster", "自然灾害"
    MENTAL_CRISIS = "mental_crisis", "心理危机"
    OTHER = "other", "其他"


class ReportKind(models.TextChoices):
    FIRST = "first", "初报"
    FOLLOWUP = "followup", "续报"
    FINAL = "final", "终报"


class Timeliness(models.TextChoices):
    """How the school's first report stands against the time limit (derived, never stored)."""

    ON_TIME = "on_time", "按时报送"
    LATE = "late", "迟报"
    MISSED = "missed", "漏报"
    SUPPLEMENTED = "supplemented", "漏报后补报"


# Filter values of the ledger/inbox ("状态" drop-down).
class IncidentFlag(models.TextChoices):
    UNACKNOWLEDGED = "unacknowledged", "待签收"
    LATE = "late", "迟报"
    MISSED = "missed", "漏报（学校未报）"
    LATE_OR_MISSED = "late_or_missed", "迟报或漏报"
    OPEN = "open", "未终报"
    FOLLOWUP_DUE = "followup_due", "续报到期"
    FINAL_OVERDUE = "final_overdue", "终报逾期"
    CLOSED = "closed", "已终报"
