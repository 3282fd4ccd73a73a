"""Settings come from the environment; with production-like values `check --deploy` passes."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def run_check(extra_env):
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "AUDIT_KEY", "DATABASE_URL"}}
    env.update(extra_env)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION = {
    "SECRET_KEY": "k" * 20 + "Production-like-secret-key-with-entropy-7q2x9z",
    "AUDIT_KEY": "a" * 20 + "Production-like-audit-key-with-entropy-3v8m1w",
    "ALLOWED_HOSTS": "beteiligung.example.org",
    "SECURE_SSL_REDIRECT": "1",
    "SECURE_HSTS_SECONDS": "31536000",
    "DATABASE_URL": "sqlite:////tmp/teilhabe-deploy-check.sqlite3",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}


@pytest.mark.slow
def test_check_deploy_passes_with_production_settings():
    result = run_check(PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_secret_key_from_file(tmp_path):
    secret = tmp_path / "secret"
    secret.write_text(PRODUCTION["SECRET_KEY"] + "\n")
    audit_key = tmp_path / "audit-key"
    audit_key.write_text(PRODUCTION["AUDIT_KEY"] + "\n")
    env = {**PRODUCTION, "SECRET_KEY_FILE": str(secret), "AUDIT_KEY_FILE": str(audit_key)}
    del env["SECRET_KEY"], env["AUDIT_KEY"]
    assert run_check(env).returncode == 0


@pytest.mark.slow
@pytest.mark.parametrize(("missing", "error"), [("SECRET_KEY", "teilhabe.E001"), ("AUDIT_KEY", "teilhabe.E002")])
def test_check_deploy_fails_without_secret_key(missing, error):
    env = dict(PRODUCTION)
    del env[missing]
    result = run_check(env)
    assert result.returncode != 0
    assert error in result.stdout + result.stderr


def test_healthz(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
