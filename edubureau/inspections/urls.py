from django.urls import path

from . import views

app_name = "inspections"
urlpatterns = [
    path("", views.campaign_list, name="campaign_list"),
    path("new/", views.campaign_create, name="campaign_create"),
    path("preview/", views.campaign_preview, name="campaign_preview"),
    path("<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("<int:pk>/edit/", views.campaign_edit, name="campaign_edit"),
    path("<int:pk>/open/", views.campaign_open, name="campaign_open"),
    path("<int:pk>/close/", views.campaign_close, name="campaign_close"),
    path("<int:pk>/draw/", views.campaign_draw, name="campaign_draw"),
    path("<int:pk>/targets/", views.campaign_targets, name="campaign_targets"),
    path("<int:pk>/teams/new/", views.team_create, name="team_create"),
    path("teams/<int:pk>/", views.team_detail, name="team_detail"),
    path("teams/<int:pk>/edit/", views.team_edit, name="team_edit"),
    path("teams/<int:pk>/assign/", views.team_assign, name="team_assign"),
    path("visits/", views.visit_list, name="visit_list"),
    path("assignments/<int:pk>/visit/", views.visit_create, name="visit_create"),
    path("visits/<int:pk>/", views.visit_detail, name="visit_detail"),
    path("visits/<int:pk>/edit/", views.visit_edit, name="visit_edit"),
    path("self-checks/", views.selfcheck_mine, name="selfcheck_mine"),
    path("targets/<int:pk>/self-check/", views.selfcheck_fill, name="selfcheck_fill"),
    path("self-checks/<int:pk>/", views.selfcheck_detail, name="selfcheck_detail"),
    path("templates/", views.template_list, name="template_list"),
    path("templates/new/", views.template_create, name="template_create"),
    path("templates/<int:pk>/", views.template_detail, name="template_detail"),
    path("templates/<int:pk>/edit/", views.template_edit, name="template_edit"),
    path("templates/<int:pk>/items/new/", views.template_item_add, name="template_item_add"),
    path("items/<int:pk>/edit/", views.template_item_edit, name="template_item_edit"),
    path("items/<int:pk>/remove/", views.template_item_remove, name="template_item_remove"),
]
