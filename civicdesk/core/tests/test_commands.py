import io
import os
import subprocess
import sys

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from civicdesk.audit.models import AuditEntry
from civicdesk.organisations.models import Agency, Department, Site, StaffProfile
from civicdesk.organisations.roles import Role


def _counts():
    return {
        model.__name__: model.objects.count()
        for model in (Agency, Department, Site, StaffProfile, get_user_model(), AuditEntry)
    }


@pytest.mark.django_db
def test_demo_loads_harbour_city_and_a_second_run_changes_nothing():
    first = io.StringIO()
    call_command("demo", stdout=first)
    counts = _counts()
    assert set(Agency.objects.values_list("code", flat=True)) == {"HSG", "TRN", "ENV"}
    assert counts["Site"] == 12
    assert counts["Department"] >= 9
    roles = set(StaffProfile.objects.values_list("role", flat=True))
    assert roles == {role.value for role in Role}
    for agency in Agency.objects.all():
        assert agency.sites.exclude(opening_hours={}).count() == 4
    # Every account's password is printed once and works.
    out = first.getvalue()
    line = next(ln for ln in out.splitlines() if ln.strip().startswith("hsg.qsm"))
    password = line.split()[1]
    assert get_user_model().objects.get(username="hsg.qsm").check_password(password)

    second = io.StringIO()
    call_command("demo", stdout=second)
    assert _counts() == counts
    assert "nothing changed" in second.getvalue()
    assert password not in second.getvalue()


def test_check_deploy_passes_with_production_settings(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "civicdesk.config.settings.production",
        "SECRET_KEY": "x" * 20 + "a-long-random-production-secret-key-0123456789",
        "ALLOWED_HOSTS": "civicdesk.example.org",
        "CIVICDESK_VAR_DIR": str(tmp_path),
    }
    env.pop("DEBUG", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser fixture for its own thread
    result = subprocess.run(
        [sys.executable, "-m", "civicdesk", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "civicdesk.config.settings.production",
        "CIVICDESK_VAR_DIR": str(tmp_path),
    }
    env.pop("SECRET_KEY", None)
    result = subprocess.run(
        [sys.executable, "-m", "civicdesk", "check"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def test_file_database_is_in_wal_mode(tmp_path):
    env = {
        **os.environ,
        "CIVICDESK_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "civicdesk.config.settings.local",
    }
    env.pop("DATABASE_URL", None)
    code = (
        "import django; django.setup();"
        "from django.db import connection; c = connection.cursor();"
        "c.execute('PRAGMA journal_mode'); print(c.fetchone()[0])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "wal"
    assert (tmp_path / "civicdesk.sqlite3").exists()


def test_passwords_are_hashed_with_argon2_outside_tests(tmp_path):
    env = {
        **os.environ,
        "CIVICDESK_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "civicdesk.config.settings.local",
    }
    env.pop("DATABASE_URL", None)
    code = (
        "import django; django.setup();"
        "from django.contrib.auth.hashers import make_password;"
        "print(make_password('a long passphrase'))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.startswith("argon2$argon2id$")
