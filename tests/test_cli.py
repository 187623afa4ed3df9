"""The command line contract of docs/design.md (Command line): exit codes, all-or-nothing import, JSON on stdout."""

import json
import re

import pytest

from graph.cli import main
from graph.store import open_store

SMALL = {
    "format": "buendnisnetz/1",
    "municipalities": [{"id": "05334002", "name": "Alsdorf (Demo)", "level": "gemeinde", "state": "NW"}],
    "institutions": [
        {"id": "ja-ac", "name": "Jugendamt", "type": "jugendamt", "sector": "verwaltung", "municipality": "05334"},
        {"id": "schule-ac", "name": "Gesamtschule", "type": "schule", "sector": "bildung", "municipality": "05334002"},
        {"id": "mo-k", "name": "Verein Köln", "type": "migrantenorganisation", "sector": "migrantenorganisation",
         "municipality": "05315"},
    ],
    "actors": [
        {"id": "p1", "name": "Ada", "role": "Fachkraft", "institution": "ja-ac"},
        {"id": "p2", "name": "Bea", "role": "Fachkraft", "institution": "ja-ac"},
        {"id": "p3", "name": "Cem", "role": "Ehrenamt", "municipality": "05334"},
    ],
    "alliances": [{"id": "b-ac", "name": "Bündnis Aachen", "municipality": "05334", "topics": ["Kinderschutz"],
                   "office": "sb-koeln"}],
    "memberships": [
        {"member": "p1", "alliance": "b-ac", "since": "2020-01-01"},
        {"member": "p2", "alliance": "b-ac", "since": "2020-01-01"},
        {"member": "schule-ac", "alliance": "b-ac", "since": "01.02.2021"},
        {"member": "p3", "alliance": "b-ac", "since": "2021-01-01", "until": "2022-12-31"},
        {"member": "mo-k", "alliance": "b-ac", "since": "2021-01-01"},
    ],
    "ties": [{"source": "p1", "target": "p3", "strength": 2}],
    "offers": [{"id": "o1", "type": "Analyseworkshop", "title": "Auftakt", "date": "2024-03-05",
                "office": "sb-koeln", "alliance": "b-ac", "participants": ["ja-ac", "p3"], "people_reached": 14,
                "note": "Protokoll folgt"}],
}


@pytest.fixture
def store_uri(tmp_path):
    uri = f"sqlite:///{tmp_path / 'cli.db'}"
    assert main(["--store", uri, "init"]) == 0
    return uri


@pytest.fixture
def small_file(tmp_path):
    path = tmp_path / "small.json"
    path.write_text(json.dumps(SMALL, ensure_ascii=False), encoding="utf-8")
    return path


def revision(uri):
    with open_store(uri) as store:
        return store.revision()


def test_init_twice_changes_nothing(store_uri):
    before = revision(store_uri)
    assert main(["--store", store_uri, "init"]) == 0
    assert revision(store_uri) == before


def test_import_then_reimport_changes_nothing(store_uri, small_file, capsys):
    assert main(["--store", store_uri, "import", str(small_file)]) == 0
    before = revision(store_uri)
    assert main(["--store", store_uri, "import", str(small_file)]) == 0
    assert revision(store_uri) == before
    assert "0 neu, 0 geändert" in capsys.readouterr().err


def test_bad_import_writes_nothing_and_lists_every_problem(store_uri, small_file, tmp_path, capsys):
    doc = json.loads(small_file.read_text(encoding="utf-8"))
    doc["actors"].append({"id": "p4", "name": "Dora", "institution": "gibt-es-nicht"})
    doc["memberships"].append({"member": "p4", "alliance": "b-ac", "since": "31.02.2024"})
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc), encoding="utf-8")
    before = revision(store_uri)
    assert main(["--store", store_uri, "import", str(bad)]) == 2
    err = capsys.readouterr().err
    assert f"{bad}:actors[3]: institution: unbekannte Referenz" in err
    assert f"{bad}:memberships[5]: since: unmögliches Datum" in err
    assert revision(store_uri) == before
    with open_store(store_uri) as store:
        assert store.read().actors == {}


def test_dry_run_reports_but_writes_nothing(store_uri, small_file, capsys):
    before = revision(store_uri)
    assert main(["--store", store_uri, "import", "--dry-run", str(small_file)]) == 0
    assert revision(store_uri) == before
    assert "Probelauf" in capsys.readouterr().err


def test_invalid_json_names_the_line(store_uri, tmp_path, capsys):
    path = tmp_path / "broken.json"
    path.write_text('{\n "actors": [\n  {"id": "a",,}\n ]\n}', encoding="utf-8")
    assert main(["--store", store_uri, "import", str(path)]) == 2
    assert f"{path}:3: -: kein gültiges JSON" in capsys.readouterr().err


def test_export_json_round_trips(store_uri, small_file, tmp_path):
    assert main(["--store", store_uri, "import", str(small_file)]) == 0
    first = tmp_path / "a.json"
    assert main(["--store", store_uri, "export", "--format", "json", "--out", str(first), "--reveal"]) == 0
    other = f"sqlite:///{tmp_path / 'other.db'}"
    assert main(["--store", other, "import", str(first)]) == 0
    second = tmp_path / "b.json"
    assert main(["--store", other, "export", "--format", "json", "--out", str(second), "--reveal"]) == 0
    assert first.read_text(encoding="utf-8") == second.read_text(encoding="utf-8")


def test_health_json_counts_local_current_units(store_uri, small_file, capsys):
    assert main(["--store", store_uri, "import", str(small_file)]) == 0
    capsys.readouterr()
    assert main(["--store", store_uri, "health", "--format", "json", "--as-of", "2024-06-01"]) == 0
    (report,) = json.loads(capsys.readouterr().out)
    # Jugendamt (two staff = one unit) + Gesamtschule in a Gemeinde of the Kreis; p3 has left,
    # the Cologne organisation sits in another Kreis.
    assert (report["alliance"], report["partners"], report["status"]) == ("b-ac", 2, "critical")
    assert "BELOW_MIN_PARTNERS" in [f["code"] for f in report["flags"]]
    assert list(report)[:7] == ["alliance", "name", "municipality", "partners", "status", "score", "flags"]


def test_health_of_unknown_alliance_is_bad_input(store_uri, capsys):
    assert main(["--store", store_uri, "health", "--alliance", "nope"]) == 2
    assert "Bündnis 'nope' gibt es nicht" in capsys.readouterr().err


def test_unreachable_store_exits_3_with_the_uri(capsys):
    assert main(["--store", "sqlite:////proc/keine/datei.db", "init"]) == 3
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "sqlite:////proc/keine/datei.db" in err[0]


def test_unknown_store_scheme_is_bad_input(capsys):
    assert main(["--store", "ftp://x", "init"]) == 2


def test_unknown_option_is_bad_input(store_uri, capsys):
    assert main(["--store", store_uri, "health", "--format", "pdf"]) == 2


def test_audit_log_records_who_did_it(store_uri, small_file, capsys):
    assert main(["--store", store_uri, "--user", "k.schmidt", "import", str(small_file)]) == 0
    capsys.readouterr()
    assert main(["--store", store_uri, "audit", "--limit", "5", "--format", "json"]) == 0
    entries = json.loads(capsys.readouterr().out)
    assert {e["user"] for e in entries} == {"k.schmidt"}


@pytest.fixture
def demo_uri(tmp_path):
    uri = f"sqlite:///{tmp_path / 'demo.db'}"
    assert main(["--store", uri, "demo", "--anchor", "2026-01-15"]) == 0
    return uri


def test_demo_health_json_lists_the_documented_partner_counts(demo_uri, capsys):
    capsys.readouterr()
    assert main(["--store", demo_uri, "health", "--format", "json", "--as-of", "2026-01-15"]) == 0
    partners = {r["alliance"]: r["partners"] for r in json.loads(capsys.readouterr().out)}
    assert len(partners) >= 30
    # graph/demo.py CASES: three staff of one Jugendamt = 1 unit; third partner in another Kreis;
    # one membership ended and one not yet begun; exactly three with one leaving soon.
    assert (partners["demo-b09"], partners["demo-b08"], partners["demo-b16"], partners["demo-b06"]) == (1, 2, 2, 3)


def test_health_by_office_counts_only_that_region(demo_uri, capsys):
    capsys.readouterr()
    assert main(["--store", demo_uri, "health", "--office", "sb-magdeburg", "--by", "state", "--format", "json",
                 "--as-of", "2026-01-15"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["id"] for r in rows} <= {"SN", "ST", "TH"} and rows


def test_health_compare_names_who_left(demo_uri, capsys):
    capsys.readouterr()
    assert main(["--store", demo_uri, "health", "--alliance", "demo-b06", "--compare", "2026-01-15",
                 "--as-of", "2026-07-15", "--format", "json"]) == 0
    (change,) = json.loads(capsys.readouterr().out)
    assert change["left"] and change["partners_after"] < change["partners_before"]


def test_office_json_has_a_work_list(demo_uri, capsys):
    capsys.readouterr()
    assert main(["--store", demo_uri, "office", "--office", "sb-koeln", "--format", "json",
                 "--as-of", "2026-01-15"]) == 0
    view = json.loads(capsys.readouterr().out)
    assert view["worklist"]


def test_suggest_json_has_reasons_for_every_item(demo_uri, capsys):
    capsys.readouterr()
    assert main(["--store", demo_uri, "suggest", "--alliance", "demo-b09", "--format", "json",
                 "--as-of", "2026-01-15"]) == 0
    items = json.loads(capsys.readouterr().out)
    assert items and all(i["reasons"] for i in items)
    assert set(items[0]) == {"kind", "source", "target", "score", "reasons"}


def test_map_writes_an_offline_html_file(demo_uri, tmp_path):
    out = tmp_path / "k.html"
    assert main(["--store", demo_uri, "map", "--kreis", "05315", "--out", str(out)]) == 0
    html = out.read_text(encoding="utf-8")
    assert "<html" in html.lower()
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)  # nothing fetched from a network


def test_backup_while_open_and_restore_with_undo_copy(store_uri, small_file, tmp_path, capsys):
    assert main(["--store", store_uri, "import", str(small_file)]) == 0
    backup = tmp_path / "sicherung.db"
    with open_store(store_uri):  # another connection holds the store open meanwhile
        assert main(["--store", store_uri, "backup", str(backup)]) == 0
    with open_store(f"sqlite:///{backup}") as copy:
        assert set(copy.read().actors) == {"p1", "p2", "p3"}
    extra = tmp_path / "extra.json"
    extra.write_text(json.dumps({"actors": [{"id": "p9", "name": "Neu", "municipality": "05334"}]}))
    assert main(["--store", store_uri, "import", str(extra)]) == 0
    assert main(["--store", store_uri, "restore", "--yes", str(backup)]) == 0
    with open_store(store_uri) as store:
        assert "p9" not in store.read().actors
    [undo] = tmp_path.glob("cli.vor-restore-*.db")
    with open_store(f"sqlite:///{undo}") as before:
        assert "p9" in before.read().actors


def test_restore_refuses_a_file_that_is_no_backup(store_uri, tmp_path, capsys):
    junk = tmp_path / "junk.db"
    junk.write_text("keine Datenbank")
    assert main(["--store", store_uri, "restore", "--yes", str(junk)]) == 2
    assert "keine gültige Bündnisnetz-Sicherung" in capsys.readouterr().err


def test_serve_binds_to_localhost_by_default(store_uri, monkeypatch):
    calls = []
    monkeypatch.setattr("graph.cli.subprocess.call", lambda cmd, env: calls.append((cmd, env)) or 0)
    assert main(["--store", store_uri, "serve"]) == 0
    cmd, env = calls[0]
    assert cmd[cmd.index("--server.address") + 1] == "127.0.0.1"
    assert cmd[1:3] == ["-m", "ui.serve"]  # Streamlit with the warm-up (ui/serve.py)
    assert env["BUENDNISNETZ_STORE"] == store_uri


def test_import_reports_progress_up_to_the_total(tmp_path):
    from graph import api

    store = open_store(str(tmp_path / "p.db"))
    seen = []
    api.init_store(store)
    api.import_document(store, SMALL, "small", progress=lambda done, total: seen.append((done, total)))
    store.close()
    assert seen and seen[-1][0] == seen[-1][1] > 0
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_reach_per_state_counts_people_reached_through_offers(demo_uri, capsys):
    capsys.readouterr()
    assert main(["--store", demo_uri, "reach", "--by", "state", "--format", "json", "--as-of", "2026-01-15"]) == 0
    rows = {r["id"]: r for r in json.loads(capsys.readouterr().out)}
    assert set(rows) == {"NW", "SN", "ST", "TH"}
    assert all(r["people_reached"] > 0 and r["alliances"] > 0 for r in rows.values())


def test_network_figures_name_cut_alliances_and_centralization(demo_uri, capsys):
    capsys.readouterr()
    assert main(["--store", demo_uri, "figures", "--office", "sb-magdeburg", "--as-of", "2026-01-15"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert 0 <= figures["degree_centralization"] <= 1 and figures["alliances"] == 18


def test_accepting_a_hospitation_plans_an_offer_titled_with_the_host(demo_uri, tmp_path):
    assert main(["--store", demo_uri, "accept", "hospitation", "demo-b09", "demo-b03"]) == 0
    with open_store(demo_uri) as store:
        ds = store.read()
    planned = [o for o in ds.offers.values() if o.alliance == "demo-b09" and o.type == "hospitation"
               and "Düsseldorf" in o.title]
    assert planned
