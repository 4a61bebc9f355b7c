import pytest


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Argon2 costs most of a second per hash; these tests check behaviour, not the hash."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
