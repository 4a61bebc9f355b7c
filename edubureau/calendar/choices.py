from django.db import models


class Term(models.IntegerChoices):
    FIRST = 1, "第一学期"
    SECOND = 2, "第二学期"


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", "放假"
    MAKEUP_WORKDAY = "makeup_workday", "调休上班"


class Basis(models.TextChoices):
    """Where a year's workdays come from, most to least authoritative."""

    ENTERED = "entered", "系统管理员录入的安排"
    PACKAGE = "package", "系统内置的法定节假日数据"
    WEEKDAYS = "weekdays", "暂按周一至周五"


# Names offered when entering a year's arrangement.
HOLIDAY_NAMES = ["元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节"]
