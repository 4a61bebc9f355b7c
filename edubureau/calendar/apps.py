from django.apps import AppConfig


class CalendarConfig(AppConfig):
    name = "edubureau.calendar"
    label = "school_calendar"
    verbose_name = "校历与工作日"
