from django.urls import path

from . import views, views_config

app_name = "safety"
urlpatterns = [
    path("", views.hazard_list, name="hazard_list"),
    path("export/", views.hazard_export, name="hazard_export"),
    path("report/", views.hazard_report, name="hazard_report"),
    path("overview/", views.overview, name="overview"),
    path("import/", views.hazard_import, name="hazard_import"),
    path("import/template/", views.import_template, name="import_template"),
    path("hazards/<int:pk>/", views.hazard_detail, name="hazard_detail"),
    path("hazards/<int:pk>/edit/", views.hazard_edit, name="hazard_edit"),
    path("hazards/<int:pk>/start/", views.hazard_start, name="hazard_start"),
    path("hazards/<int:pk>/submit/", views.hazard_submit, name="hazard_submit"),
    path("hazards/<int:pk>/verify/", views.hazard_verify, name="hazard_verify"),
    path("hazards/<int:pk>/void/", views.hazard_void, name="hazard_void"),
    path("hazards/<int:pk>/attach/", views.hazard_attach, name="hazard_attach"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
    path("categories/", views_config.category_list, name="category_list"),
    path("categories/<int:pk>/edit/", views_config.category_edit, name="category_edit"),
    path("supervision/", views.supervision_list, name="supervision_list"),
    path("supervision/<int:pk>/edit/", views.supervision_edit, name="supervision_edit"),
    path("supervision/<int:pk>/progress/", views.supervision_progress, name="supervision_progress"),
    path("supervision/<int:pk>/report/", views.supervision_report, name="supervision_report"),
    path("supervision/<int:pk>/lift/", views.supervision_lift, name="supervision_lift"),
]
