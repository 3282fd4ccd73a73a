"""The apps are layered (docs/architecture.md): the import-linter contracts of pyproject.toml hold."""

import subprocess
import sys
from pathlib import Path

from django.apps import apps

ROOT = Path(__file__).resolve().parents[3]


def test_import_contracts_are_kept():
    lint_imports = Path(sys.executable).with_name("lint-imports")
    run = subprocess.run([str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert "0 broken" in run.stdout


def test_monitoring_is_an_app_of_its_own():
    assert apps.get_app_config("monitoring").name == "teilhabe.monitoring"
