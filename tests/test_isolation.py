"""The suite does not depend on the developer's machine: a populated user config folder changes nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from graph import accounts
from graph.store import default_store_uri

ROOT = Path(__file__).resolve().parent.parent


def test_no_program_variable_reaches_a_test():
    assert not [name for name in os.environ if name.startswith("BUENDNISNETZ_")]


def test_accounts_and_store_live_in_the_tests_own_folders(isolated_user):
    assert accounts.accounts_path().is_relative_to(isolated_user.parent)
    assert accounts.load() == {}  # no accounts (the test's folder records single-user mode only)
    assert str(isolated_user.parent) in default_store_uri()


def test_suite_passes_with_a_populated_user_config_folder(tmp_path):
    """An admin account, a user and a store in the developer's folders: the CLI tests still pass."""
    home = tmp_path / "home"
    config = home / ".config"
    accounts.set_account("chef", "ein-langes-passwort", "admin", path=config / "buendnisnetz" / "accounts.json")
    env = {**os.environ, "HOME": str(home), "XDG_CONFIG_HOME": str(config),
           "XDG_DATA_HOME": str(home / ".local" / "share"),
           "BUENDNISNETZ_USER": "chef", "BUENDNISNETZ_STORE": f"sqlite:///{tmp_path / 'nicht-hier' / 'x.db'}"}
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-x",
                          "tests/test_cli.py", "tests/test_ui_access.py"],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert not (tmp_path / "nicht-hier").exists()
