"""Personal API tokens: shown once, stored hashed, expire, can be revoked."""

import datetime

import pytest
from django.utils import timezone

from edubureau.accounts import services
from edubureau.accounts.models import ApiToken
from edubureau.audit.models import AuditEvent
from edubureau.common.errors import NotFoundError, ServiceError


def test_token_authenticates_its_owner(county, teacher_a):
    token, text = services.token_create(actor=teacher_a, name="同步脚本", days=30)
    assert text.startswith(f"ebt_{token.key}_")
    assert services.token_authenticate(text) == teacher_a
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_token_secret_is_stored_only_as_a_hash(county, teacher_a):
    token, text = services.token_create(actor=teacher_a, name="同步脚本", days=30)
    secret = text.split("_", 2)[2]
    stored = [str(row) for row in ApiToken.objects.values_list()]
    logged = [str(row) for row in AuditEvent.objects.values_list("before", "after", "note", "object_label")]
    assert not any(secret in row for row in stored + logged)
    assert token.secret_hash != secret
    assert len(token.secret_hash) == 64


def test_token_lasts_the_requested_number_of_days(county, teacher_a):
    token, _ = services.token_create(actor=teacher_a, name="同步脚本", days=7)
    remaining = token.expires_at - timezone.now()
    assert datetime.timedelta(days=6, hours=23) < remaining <= datetime.timedelta(days=7)


def test_expired_token_no_longer_authenticates(county, teacher_a):
    token, text = services.token_create(actor=teacher_a, name="同步脚本", days=1)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert services.token_authenticate(text) is None


def test_revoked_token_no_longer_authenticates(county, teacher_a):
    token, text = services.token_create(actor=teacher_a, name="同步脚本", days=30)
    services.token_revoke(actor=teacher_a, token=token)
    assert services.token_authenticate(text) is None
    assert ApiToken.objects.get(pk=token.pk).status_label == "已吊销"


def test_token_of_a_deactivated_user_no_longer_authenticates(county, admin_a, teacher_a):
    _, text = services.token_create(actor=teacher_a, name="同步脚本", days=30)
    services.user_set_active(actor=admin_a, user=teacher_a, active=False, reason="调离")
    assert services.token_authenticate(text) is None


@pytest.mark.parametrize("text", ["", None, "garbage", "ebt__x", "xyz_abc_def", "ebt_000000000000_wrong"])
def test_malformed_or_unknown_token_text_authenticates_nobody(county, teacher_a, text):
    services.token_create(actor=teacher_a, name="同步脚本", days=30)
    assert services.token_authenticate(text) is None


def test_right_key_with_wrong_secret_authenticates_nobody(county, teacher_a):
    token, _ = services.token_create(actor=teacher_a, name="同步脚本", days=30)
    assert services.token_authenticate(f"ebt_{token.key}_not-the-secret") is None


@pytest.mark.parametrize(
    ("name", "days", "field"),
    [
        ("", 30, "name"),
        ("  ", 30, "name"),
        ("长" * 61, 30, "name"),
        ("脚本", 0, "days"),
        ("脚本", 367, "days"),
    ],
)
def test_token_create_refuses_bad_input_on_the_field(county, teacher_a, name, days, field):
    with pytest.raises(ServiceError) as exc:
        services.token_create(actor=teacher_a, name=name, days=days)
    assert exc.value.field == field
    assert not ApiToken.objects.exists()


def test_nobody_can_revoke_another_persons_token(county, teacher_a, admin_a):
    token, text = services.token_create(actor=teacher_a, name="同步脚本", days=30)
    with pytest.raises(NotFoundError):
        services.token_revoke(actor=admin_a, token=token)
    assert services.token_authenticate(text) == teacher_a


def test_a_token_cannot_be_revoked_twice(county, teacher_a):
    token, _ = services.token_create(actor=teacher_a, name="同步脚本", days=30)
    services.token_revoke(actor=teacher_a, token=token)
    with pytest.raises(ServiceError, match="已吊销"):
        services.token_revoke(actor=teacher_a, token=token)


def test_token_create_and_revoke_are_audited(county, teacher_a):
    token, _ = services.token_create(actor=teacher_a, name="同步脚本", days=30)
    services.token_revoke(actor=teacher_a, token=token)
    created = AuditEvent.objects.get(action="token.create")
    assert created.object_id == str(token.pk)
    assert created.after["name"] == "同步脚本"
    revoked = AuditEvent.objects.get(action="token.revoke")
    assert revoked.before == {"revoked_at": None}
    assert revoked.after["revoked_at"]
    assert revoked.unit_id == teacher_a.unit_id
