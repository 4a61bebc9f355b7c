from django.urls import path

from . import views

app_name = "incidents"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("export.xlsx", views.export, name="export"),
    path("school/", views.school_list, name="list"),
    path("new/", views.report_first, name="report"),
    path("record/", views.record, name="record"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/followup/", views.report_followup, name="followup"),
    path("<int:pk>/final/", views.report_final, name="final"),
    path("<int:pk>/first/", views.report_supplement, name="supplement"),
    path("<int:pk>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("<int:pk>/bulletin.docx", views.bulletin, name="bulletin"),
    path("time-limits/", views.config, name="config"),
    path("time-limits/<int:pk>/edit/", views.config_edit, name="config_edit"),
]
