from django.urls import path

from . import views

app_name = "calendar"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("calculate/", views.calculate, name="calculate"),
    path("manage/", views.manage, name="manage"),
    path("manage/school-years/new/", views.school_year_create, name="school_year_create"),
    path("manage/school-years/<int:pk>/edit/", views.school_year_edit, name="school_year_edit"),
    path(
        "manage/school-years/<int:school_year_pk>/semesters/new/",
        views.semester_create,
        name="semester_create",
    ),
    path("manage/semesters/<int:pk>/edit/", views.semester_edit, name="semester_edit"),
    path("manage/holidays/new/", views.holiday_year_create, name="holiday_year_create"),
    path("manage/holidays/<int:year>/", views.holiday_year_detail, name="holiday_year_detail"),
    path("manage/holidays/<int:year>/edit/", views.holiday_year_edit, name="holiday_year_edit"),
    path("manage/holidays/<int:year>/delete/", views.holiday_year_delete, name="holiday_year_delete"),
    path("manage/days/<int:pk>/delete/", views.day_delete, name="day_delete"),
]
