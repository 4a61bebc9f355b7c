import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args, **env):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("EDUBUREAU_")}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deploy_check_without_warnings():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        EDUBUREAU_SECURE="1",
        EDUBUREAU_SECRET_KEY=secrets.token_urlsafe(64),
        EDUBUREAU_ALLOWED_HOSTS="edu.example.gov.cn",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_complains_when_https_settings_are_missing():
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING", EDUBUREAU_SECRET_KEY=secrets.token_urlsafe(64)
    )
    assert result.returncode != 0


def test_site_speaks_simplified_chinese_in_shanghai_time_and_hashes_with_argon2():
    from edubureau import settings as production

    assert production.LANGUAGE_CODE == "zh-hans"
    assert production.TIME_ZONE == "Asia/Shanghai"
    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
