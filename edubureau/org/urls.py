from django.urls import path

from . import views

app_name = "org"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("units/new/", views.unit_create, name="unit_create"),
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("units/<int:pk>/edit/", views.unit_edit, name="unit_edit"),
    path("units/<int:pk>/move/", views.unit_move, name="unit_move"),
    path("units/<int:pk>/close/", views.unit_close, name="unit_close"),
    path("units/<int:pk>/reopen/", views.unit_reopen, name="unit_reopen"),
    path("groups/", views.group_list, name="group_list"),
    path("groups/new/", views.group_create, name="group_create"),
    path("groups/<int:pk>/", views.group_detail, name="group_detail"),
    path("groups/<int:pk>/members/", views.group_members, name="group_members"),
]
