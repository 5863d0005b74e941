"""The architecture contract (.importlinter, docs/architecture.md) is checked with every test run."""

from __future__ import annotations

import configparser
import subprocess
import sys
from pathlib import Path

from django.apps import apps
from django.conf import settings

BASE = Path(settings.BASE_DIR)


def _contract() -> configparser.ConfigParser:
    config = configparser.ConfigParser()
    config.read(BASE / ".importlinter")
    return config


def test_the_import_contract_holds():
    """Layers (scheduling | matching) > mentoring > accounts > turazo.core, a pure matching
    engine and slot calculator, and models at the bottom of their app: `lint-imports` says
    which import breaks which contract."""
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint_imports), "--no-cache"], cwd=BASE, capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_app_of_ours_is_in_a_layer():
    """A new app (the HR dashboard's `insights`...) must be placed in the contract, or
    nothing would check which way its imports go."""
    config = _contract()
    roots = set(config["importlinter"]["root_packages"].split())
    layered = {
        module.strip()
        for line in config["importlinter:contract:layers"]["layers"].splitlines()
        for module in line.split("|")
        if module.strip()
    }
    # Ours: in the repository, not in its virtualenv (CI creates .venv inside the checkout).
    venv = Path(sys.prefix).resolve()
    ours = {
        app.name
        for app in apps.get_app_configs()
        if Path(app.path).resolve().is_relative_to(BASE.resolve()) and not Path(app.path).resolve().is_relative_to(venv)
    }
    assert {name for name in ours if name.split(".")[0] not in roots} == set()
    assert ours - layered == set()
