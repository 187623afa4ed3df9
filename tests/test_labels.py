"""German words for codes and English names (ui/labels.py), the CLI's German prompts, a broken XLSX in German."""

from __future__ import annotations

from datetime import date

import pytest
from click.testing import CliRunner

from graph.errors import InputError
from graph.io.tabular import read_xlsx
from graph.model import Actor, Alliance, Dataset, Membership, Municipality
from ui.labels import audit_action, audit_target, field_label, line_label, list_label, local_time, number


def test_lists_and_fields_are_german():
    assert [list_label(n) for n in ("actors", "memberships", "ties")] == ["Personen", "Mitgliedschaften",
                                                                        "Verbindungen"]
    assert [field_label(n) for n in ("member", "alliance", "since", "note")] == ["Mitglied", "Bündnis", "seit",
                                                                               "Notiz"]
    assert line_label("actors[0]") == "Personen, Eintrag 1"


def test_numbers_have_a_decimal_comma_and_times_are_local():
    assert number(2.289, 2) == "2,29"
    assert number(1234.5) == "1.234,5"
    assert local_time("2026-01-15T23:30:00+00:00") == "16.01.2026, 00:30 Uhr"  # winter: UTC+1
    assert local_time("2026-07-01T10:00:00+00:00") == "01.07.2026, 12:00 Uhr"  # summer: UTC+2


def test_audit_entries_read_as_sentences_with_names():
    ds = Dataset()
    ds.add(Municipality("05315", "Köln", "kreisfreie_stadt", "NW"))
    ds.add(Alliance("b1", "Bündnis Köln", "05315"))
    ds.add(Actor("p1", "Erika Muster", municipality="05315"))
    ds.add(Membership("p1", "b1", date(2026, 11, 1)))
    assert (audit_target(ds, "MEMBER_OF:p1->b1@2026-11-01")
            == "Mitgliedschaft: Erika Muster → Bündnis Köln (seit 01.11.2026)")
    assert audit_target(ds, "LIVES_IN:p1->05315") == "Wohnort: Erika Muster → Köln"
    assert audit_target(ds, "Actor:p1") == "Person: Erika Muster"
    assert audit_target(ds, "membership:p1->b1") == "Vorschlag Mitgliedschaft: Erika Muster → Bündnis Köln"
    assert audit_action("dismiss") == "Vorschlag verworfen"
    assert audit_action("Vorschlag angenommen (membership)") == "Vorschlag angenommen (Mitgliedschaft)"


def test_a_broken_xlsx_is_reported_in_german(tmp_path):
    path = tmp_path / "mappe.xlsx"
    path.write_bytes(b"#!/bin/sh\necho kein Excel\n")
    with pytest.raises(InputError) as info:
        read_xlsx(path)
    message = info.value.problems[0].message
    assert message.startswith("Die Datei ist keine gültige XLSX-Datei")
    assert "zip" not in message.lower()


def test_user_add_asks_for_the_password_in_german(tmp_path, monkeypatch):
    from graph.accounts import ENV_ACCOUNTS
    from graph.cli import cli

    monkeypatch.setenv(ENV_ACCOUNTS, str(tmp_path / "konten.json"))
    monkeypatch.delenv("BUENDNISNETZ_PASSWORD", raising=False)
    result = CliRunner().invoke(cli, ["--store", f"sqlite:///{tmp_path / 'x.db'}", "user", "add", "k.test",
                                      "--role", "viewer"], input="ein-langes-passwort\nein-langes-passwort\n")
    assert "Passwort:" in result.output and "Passwort wiederholen:" in result.output
    assert "Password" not in result.output and "Repeat" not in result.output
