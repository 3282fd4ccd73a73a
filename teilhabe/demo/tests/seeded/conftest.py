"""The demo, seeded once for every test of this package (seeding takes seconds, and each capability adds to it).

The seed runs inside a transaction opened before the first test that asks for it and rolled back after the last
test of the package; each test runs in its own savepoint inside it (pytest-django's ``db``), so what a test
changes, a second ``seed_demo`` included, is undone before the next one. Tests outside this package never see
the demo.
"""

import io

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from django.test.utils import override_settings


@pytest.fixture(scope="package")
def seeded_demo(django_db_setup, django_db_blocker, tmp_path_factory):
    files = tmp_path_factory.mktemp("demo-files")
    overrides = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        # Private files of the demo (a scan, print runs' PDFs) go to a temporary folder, not var/private.
        STORAGES={
            **settings.STORAGES,
            "default": {**settings.STORAGES["default"], "OPTIONS": {"location": files}},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
        MEDIA_ROOT=files,
        TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
        AUDIT_CHECKPOINT_DIR=files / "audit",
        RATELIMIT_ENABLE=False,
    )
    with django_db_blocker.unblock(), overrides:
        cache.clear()
        with transaction.atomic():
            out = io.StringIO()
            call_command("seed_demo", stdout=out)
            yield out.getvalue()
            transaction.set_rollback(True)
        cache.clear()


@pytest.fixture
def demo(seeded_demo, db):
    """What ``seed_demo`` printed; the demo is in the database."""
    return seeded_demo
