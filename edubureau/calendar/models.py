"""School years, semesters and the statutory holiday arrangement of each year.

The calendar is county-wide configuration: every signed-in user reads it, only holders of
"calendar.manage" change it, and every change goes through services.py (validated and audited).
"""

from django.conf import settings
from django.db import models
from django.urls import reverse

from edubureau.common.models import TimeStampedModel, VersionedModel

from .choices import DayKind, Term

WEEKDAY_NAMES = ["星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日"]


def cn_date(value):
    """2026年10月1日"""
    return f"{value.year}年{value.month}月{value.day}日"


def cn_date_weekday(value):
    """2026年10月1日（星期四）"""
    return f"{cn_date(value)}（{WEEKDAY_NAMES[value.weekday()]}）"


class SchoolYear(VersionedModel):
    """A school year (学年), e.g. 2026—2027学年, from its first to its last day."""

    name = models.CharField("学年名称", max_length=40, unique=True, help_text="如：2026—2027学年")
    start = models.DateField("开始日期")
    end = models.DateField("结束日期")

    class Meta:
        verbose_name = "学年"
        verbose_name_plural = "学年"
        ordering = ["-start"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="school_year_end_after_start"
            )
        ]

    def __str__(self):
        return self.name

    def contains(self, day):
        return self.start <= day <= self.end

    def get_absolute_url(self):
        return reverse("calendar:school_year_edit", args=[self.pk])


class Semester(VersionedModel):
    """One term (学期) of a school year, with its first and last day."""

    school_year = models.ForeignKey(
        SchoolYear, verbose_name="学年", on_delete=models.PROTECT, related_name="semesters"
    )
    term = models.PositiveSmallIntegerField("学期", choices=Term.choices)
    start = models.DateField("开始日期")
    end = models.DateField("结束日期")

    class Meta:
        verbose_name = "学期"
        verbose_name_plural = "学期"
        ordering = ["start"]
        constraints = [
            models.UniqueConstraint(fields=["school_year", "term"], name="semester_unique_term"),
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="semester_end_after_start"
            ),
        ]

    def __str__(self):
        return f"{self.school_year.name}{self.get_term_display()}"

    def contains(self, day):
        return self.start <= day <= self.end

    def week_of(self, day):
        """The teaching week (教学周) of `day`: week 1 is the calendar week (Mon–Sun) of the first day."""
        monday = self.start.toordinal() - self.start.weekday()
        return (day.toordinal() - monday) // 7 + 1


class HolidayYear(VersionedModel):
    """A year whose statutory holidays and make-up workdays a bureau admin has entered.

    When a year has this row, workdays of that year follow ONLY its entered days (over Monday–Friday);
    the built-in data of chinesecalendar is no longer used for it.
    """

    year = models.PositiveSmallIntegerField("年份", unique=True)
    document_no = models.CharField(
        "通知文号", max_length=80, blank=True, help_text="国务院办公厅通知的文号，如：国办发明电〔2026〕X号"
    )
    note = models.CharField("备注", max_length=300, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="录入人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Bumped on every change to the year's days: part of the workday cache key (see workdays.py).
    days_revision = models.PositiveIntegerField("日期修订号", default=0, editable=False)

    class Meta:
        verbose_name = "节假日安排"
        verbose_name_plural = "节假日安排"
        ordering = ["-year"]

    def __str__(self):
        return f"{self.year}年节假日安排"

    def get_absolute_url(self):
        return reverse("calendar:holiday_year_detail", args=[self.year])


class CalendarDay(TimeStampedModel):
    """One entered day of a year's arrangement: a holiday (放假) or a make-up workday (调休上班)."""

    date = models.DateField("日期", unique=True)
    kind = models.CharField("类型", max_length=20, choices=DayKind.choices)
    name = models.CharField("节日名称", max_length=30, help_text="如：春节")
    holiday_year = models.ForeignKey(
        HolidayYear, verbose_name="所属年份", on_delete=models.CASCADE, related_name="days"
    )

    class Meta:
        verbose_name = "节假日/调休日"
        verbose_name_plural = "节假日/调休日"
        ordering = ["date"]

    def __str__(self):
        return f"{cn_date(self.date)} {self.name}（{self.get_kind_display()}）"

    @property
    def weekday_name(self):
        return WEEKDAY_NAMES[self.date.weekday()]
