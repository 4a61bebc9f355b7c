from django.urls import path

from . import views, views_roles

app_name = "accounts"
urlpatterns = [
    path("", views.user_list, name="user_list"),
    path("new/", views.user_create, name="user_create"),
    path("<int:pk>/", views.user_detail, name="user_detail"),
    path("<int:pk>/edit/", views.user_edit, name="user_edit"),
    path("<int:pk>/reset-password/", views.user_reset_password, name="user_reset_password"),
    path("<int:pk>/deactivate/", views.user_deactivate, name="user_deactivate"),
    path("<int:pk>/activate/", views.user_activate, name="user_activate"),
    path("<int:pk>/unlock/", views.user_unlock, name="user_unlock"),
    path("<int:pk>/grant/", views.membership_grant, name="membership_grant"),
    path("<int:pk>/memberships/<int:membership_pk>/end/", views.membership_end, name="membership_end"),
    path("roles/", views_roles.role_list, name="role_list"),
    path("roles/<int:pk>/edit/", views_roles.role_edit, name="role_edit"),
    path("tokens/", views.token_list, name="token_list"),
    path("tokens/new/", views.token_create, name="token_create"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
]
