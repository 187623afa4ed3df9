"""No name oracle (issue 15 item 4): warnings, errors and conflicts of an import, dry run included,
say nothing about items outside the user's read scope or real names the user may not see.
"""

from __future__ import annotations

import pytest

from graph import api
from graph.access import User, scope
from graph.store import open_store

OFFICE = User("o", "office", office="sb-koeln")
VIEWER_LIKE = [OFFICE, User("k", "coordinator", kreis="05334")]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    with open_store(str(path)) as s:
        api.load_demo(s)
        yield s


def minor_in(ds, kreis):
    return next(a for a in ds.actors.values() if a.is_refugee_youth and (a.municipality or "").startswith(kreis))


def probe(store, user, name, municipality):
    doc = {"actors": [{"id": "probe-73", "name": name, "municipality": municipality}]}
    try:
        result = api.import_document(store, doc, "probe.json", user=user, dry_run=True)
        return " ".join(str(w) for w in result.warnings)
    except Exception as exc:  # refusals are answers too
        return str(exc)


def test_guessing_a_minors_real_name_in_a_dry_run_reveals_nothing(demo):
    ds = demo.read()
    minor = minor_in(ds, "05315")
    assert minor.name not in scope(ds, OFFICE).actors[minor.id].name  # the office sees only the pseudonym
    right = probe(demo, OFFICE, minor.name, minor.municipality)
    wrong = probe(demo, OFFICE, "Niemand Sonst", minor.municipality)
    assert minor.id not in right
    assert right.replace(minor.name, "X") == wrong.replace("Niemand Sonst", "X")


def test_the_admin_still_gets_the_duplicate_warning(demo):
    minor = minor_in(demo.read(), "05315")
    assert minor.id in probe(demo, User("admin"), minor.name, minor.municipality)


def test_a_visible_name_still_warns_about_a_duplicate(demo):
    ds = scope(demo.read(), OFFICE)
    adult = next(a for a in ds.actors.values() if not a.is_refugee_youth and a.municipality
                 and a.municipality.startswith("05315"))
    assert "Duplikat" in probe(demo, OFFICE, adult.name, adult.municipality)


def test_a_coordinator_learns_nothing_about_another_kreis(demo):
    coordinator = User("k", "coordinator", kreis="05334")
    minor = minor_in(demo.read(), "05315")
    right = probe(demo, coordinator, minor.name, minor.municipality)
    wrong = probe(demo, coordinator, "Niemand Sonst", minor.municipality)
    assert minor.id not in right
    assert right.replace(minor.name, "X") == wrong.replace("Niemand Sonst", "X")


def test_an_id_clash_with_an_invisible_item_says_only_that_the_id_is_taken(demo):
    ds = demo.read()
    hidden = next(i for i in ds.institutions.values() if (i.municipality or "").startswith("14"))  # Sachsen
    doc = {"actors": [{"id": hidden.id, "name": "Neu", "municipality": "05315"}]}
    with pytest.raises(Exception) as err:
        api.import_document(demo, doc, "x.json", user=OFFICE, dry_run=True)
    assert "vergeben" in str(err.value) and "Einrichtung" not in str(err.value)
