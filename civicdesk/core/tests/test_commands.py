import os
import subprocess
import sys


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
