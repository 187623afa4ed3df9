"""Login never fails open; accounts are managed by admins; the CLI's trust is explicit (issue 14, items 4, 6, 8)."""

from __future__ import annotations

import json
import os
import stat

import pytest

from graph import accounts
from graph.cli import main

PW = "geheim-und-lang"


@pytest.fixture
def fresh(tmp_path, monkeypatch):
    """A fresh machine: no accounts file, no config, the default paths under tmp_path."""
    monkeypatch.delenv("BUENDNISNETZ_ACCOUNTS", raising=False)
    monkeypatch.delenv("BUENDNISNETZ_USER", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    return f"sqlite:///{tmp_path / 'store.db'}"


@pytest.fixture
def with_accounts(tmp_path, monkeypatch):
    """A demo store and an accounts file with an admin and a coordinator of Köln."""
    path = tmp_path / "konten.json"
    monkeypatch.setenv("BUENDNISNETZ_ACCOUNTS", str(path))
    monkeypatch.delenv("BUENDNISNETZ_USER", raising=False)
    accounts.set_account("chef", PW, "admin", path=path)
    accounts.set_account("k.koeln", PW, "coordinator", kreis="05315", path=path)
    uri = f"sqlite:///{tmp_path / 'demo.db'}"
    assert main(["--store", uri, "--user", "chef", "demo"]) == 0
    return uri, path


def test_a_mistyped_accounts_path_gives_no_access(with_accounts, tmp_path, monkeypatch, capsys):
    uri, _ = with_accounts
    monkeypatch.setenv("BUENDNISNETZ_ACCOUNTS", str(tmp_path / "konten.jsno"))
    capsys.readouterr()
    assert main(["--store", uri, "person", "export", "demo-p008"]) == 2
    out, err = capsys.readouterr()
    assert "Amir" not in out
    assert "konten.jsno" in err and "--single-user" in err


def test_quick_start_on_a_fresh_machine_records_single_user_mode(fresh, capsys):
    assert main(["--store", fresh, "demo"]) == 0
    assert "Einzelplatz" in capsys.readouterr().err
    assert accounts.mode() == "single-user"
    assert main(["--store", fresh, "person", "export", "demo-p008"]) == 0  # the single user is admin


def test_an_accounts_path_set_but_missing_needs_the_explicit_choice(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("BUENDNISNETZ_ACCOUNTS", str(tmp_path / "neu" / "konten.json"))
    uri = f"sqlite:///{tmp_path / 's.db'}"
    assert main(["--store", uri, "init"]) == 2
    assert "--single-user" in capsys.readouterr().err
    assert main(["--store", uri, "init", "--single-user"]) == 0
    assert accounts.mode() == "single-user"


def test_the_first_account_must_be_an_admin(fresh, capsys, monkeypatch):
    monkeypatch.setenv("BUENDNISNETZ_PASSWORD", PW)
    assert main(["--store", fresh, "init"]) == 0
    capsys.readouterr()
    assert main(["--store", fresh, "user", "add", "k.schmidt", "--role", "coordinator", "--kreis", "05334"]) == 2
    assert "--role admin" in capsys.readouterr().err
    assert main(["--store", fresh, "user", "add", "chef", "--role", "admin"]) == 0
    assert accounts.mode() == "accounts"
    assert main(["--store", fresh, "--user", "chef", "user", "add", "k.schmidt", "--role", "coordinator",
                 "--kreis", "05334"]) == 0


@pytest.mark.parametrize("option", [["--role", "coordinator", "--kreis", "99999"],
                                    ["--role", "coordinator", "--kreis", "05334002"],
                                    ["--role", "office", "--office", "sb-nirgendwo"]])
def test_kreis_and_office_of_an_account_must_exist(with_accounts, monkeypatch, option):
    uri, path = with_accounts
    monkeypatch.setenv("BUENDNISNETZ_PASSWORD", PW)
    assert main(["--store", uri, "--user", "chef", "user", "add", "neu", *option]) == 2
    assert "neu" not in accounts.load(path)


def test_accounts_can_be_disabled_and_removed_but_not_the_last_admin(with_accounts, monkeypatch):
    uri, path = with_accounts
    assert main(["--store", uri, "--user", "chef", "user", "disable", "k.koeln"]) == 0
    assert accounts.authenticate("k.koeln", PW, path) is None
    assert main(["--store", uri, "--user", "k.koeln", "health"]) == 2
    assert main(["--store", uri, "--user", "chef", "user", "remove", "k.koeln"]) == 0
    assert "k.koeln" not in accounts.load(path)
    assert main(["--store", uri, "--user", "chef", "user", "remove", "chef"]) == 2
    assert "chef" in accounts.load(path)
    actions = [(e.user, e.action) for e in _audit(uri)]
    assert ("chef", "Konto entfernt") in actions and ("chef", "Konto gesperrt") in actions


def _audit(uri):
    from graph.store import open_store

    with open_store(uri) as store:
        return store.audit_log()


def test_only_admins_list_or_manage_accounts(with_accounts, monkeypatch, capsys):
    uri, _ = with_accounts
    monkeypatch.setenv("BUENDNISNETZ_PASSWORD", PW)
    capsys.readouterr()
    assert main(["--store", uri, "--user", "k.koeln", "user", "list"]) == 2
    assert "chef" not in capsys.readouterr().out
    assert main(["--store", uri, "--user", "k.koeln", "user", "add", "x", "--role", "admin"]) == 2
    assert main(["--store", uri, "--user", "chef", "user", "list"]) == 0
    assert "k.koeln" in capsys.readouterr().out


def test_an_installation_can_require_a_password_on_the_cli(with_accounts, monkeypatch, capsys):
    uri, _ = with_accounts
    monkeypatch.setenv("BUENDNISNETZ_CLI_PASSWORD", "required")
    monkeypatch.delenv("BUENDNISNETZ_LOGIN_PASSWORD", raising=False)
    assert main(["--store", uri, "--user", "chef", "person", "export", "demo-p008"]) == 2
    monkeypatch.setenv("BUENDNISNETZ_LOGIN_PASSWORD", "falsch-falsch-falsch")
    capsys.readouterr()
    assert main(["--store", uri, "--user", "chef", "person", "export", "demo-p008"]) == 2
    assert "Amir" not in capsys.readouterr().out
    monkeypatch.setenv("BUENDNISNETZ_LOGIN_PASSWORD", PW)
    assert main(["--store", uri, "--user", "chef", "person", "export", "demo-p008"]) == 0


def test_the_password_requirement_can_be_recorded_in_the_accounts_file(with_accounts, monkeypatch):
    uri, path = with_accounts
    monkeypatch.delenv("BUENDNISNETZ_CLI_PASSWORD", raising=False)
    monkeypatch.delenv("BUENDNISNETZ_LOGIN_PASSWORD", raising=False)
    assert main(["--store", uri, "--user", "chef", "user", "cli-password", "required"]) == 0
    assert json.loads(path.read_text())["cli_password"] == "required"
    assert main(["--store", uri, "--user", "chef", "health"]) == 2


def test_repeated_failures_lock_an_account_for_a_while(with_accounts):
    _, path = with_accounts
    for _ in range(accounts.MAX_FAILURES):
        assert accounts.authenticate("chef", "falsch-falsch-falsch", path) is None
    with pytest.raises(accounts.LockedOut) as caught:
        accounts.authenticate("chef", PW, path)
    assert "Minute" in str(caught.value)


def _private(path) -> bool:
    return stat.S_IMODE(os.stat(path).st_mode) & 0o077 == 0


def test_data_files_and_folders_are_private(fresh, tmp_path, capsys):
    folder = tmp_path / "daten"
    uri = f"sqlite:///{folder / 'store.db'}"
    assert main(["--store", uri, "demo"]) == 0
    assert main(["--store", uri, "backup", str(tmp_path / "b.db")]) == 0
    assert main(["--store", uri, "export", "--format", "csv", "--out", str(tmp_path / "csv")]) == 0
    assert main(["--store", uri, "export", "--format", "json", "--out", str(tmp_path / "x.json")]) == 0
    created = [folder, folder / "store.db", tmp_path / "csv", tmp_path / "x.json",
               *(tmp_path / "csv").iterdir(), *folder.glob("store.db-*"), accounts.accounts_path(),
               accounts.accounts_path().parent, tmp_path / "b.db"]
    assert [p for p in created if not _private(p)] == []


def test_a_new_embedded_store_is_private_also_without_the_cli(tmp_path):
    from graph.store import open_store

    folder = tmp_path / "neu"
    with open_store(f"sqlite:///{folder / 'x.db'}") as store:
        store.init_schema()
    assert _private(folder) and _private(folder / "x.db")


def test_serve_refuses_without_a_recorded_setup(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("BUENDNISNETZ_ACCOUNTS", str(tmp_path / "fehlt.json"))
    assert main(["--store", f"sqlite:///{tmp_path / 's.db'}", "serve", "--port", "1"]) == 2
    assert "--single-user" in capsys.readouterr().err
