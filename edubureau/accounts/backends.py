from django.contrib.auth.backends import BaseBackend

from .models import User


class ScopedModelBackend(BaseBackend):
    """Username and password against our User; rights come from memberships, not Django perms."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or password is None:
            return None
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist:
            User().set_password(password)  # same work as a real check: no timing oracle
            return None
        if user.check_password(password) and user.is_active:
            return user
        return None

    def get_user(self, user_id):
        try:
            return User.objects.select_related("unit").get(pk=user_id, is_active=True)
        except User.DoesNotExist:
            return None
