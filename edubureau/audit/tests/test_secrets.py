"""The audit log shows what changed, never a secret, not even a hashed one."""

from edubureau.accounts import services as accounts
from edubureau.audit.models import AuditEvent


def test_token_events_do_not_carry_the_secret_hash(county, teacher_a):
    token, _ = accounts.token_create(actor=teacher_a, name="同步脚本")
    accounts.token_revoke(actor=teacher_a, token=token)
    for event in AuditEvent.objects.filter(object_type="accounts.apitoken"):
        assert "secret_hash" not in (event.before or {})
        assert "secret_hash" not in (event.after or {})
        assert token.secret_hash not in str(event.after)
    created = AuditEvent.objects.get(action="token.create")
    assert created.after["key"] == token.key  # the public identifier stays, to tell tokens apart


def test_password_hashes_stay_out_of_user_events(county, admin_a, teacher_a):
    accounts.user_reset_password(actor=admin_a, user=teacher_a)
    for event in AuditEvent.objects.filter(object_type="accounts.user"):
        assert "password" not in (event.before or {})
        assert "password" not in (event.after or {})
