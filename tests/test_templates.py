"""The import templates (graph/io/templates.py): headings the importer knows, examples that import cleanly."""

from __future__ import annotations

import pytest

from graph import api
from graph.io.tabular import read_csv, read_xlsx
from graph.io.templates import TEMPLATES, template_csv, template_name, template_xlsx
from graph.store import open_store

LISTS = list(TEMPLATES)


@pytest.mark.parametrize("list_name", LISTS)
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_each_template_reads_back_as_its_list_with_every_column(tmp_path, list_name, fmt):
    path = tmp_path / f"{template_name(list_name)}.{fmt}"
    path.write_bytes(template_csv(list_name) if fmt == "csv" else template_xlsx(list_name))
    records = read_csv(path) if fmt == "csv" else read_xlsx(path)
    _, header, rows = TEMPLATES[list_name]
    assert {r.list_name for r in records} == {list_name}
    assert len(records) == len(rows)
    filled = sum(1 for cell in rows[0] if cell)
    assert len(records[0].data) == filled  # every filled cell arrives under a field of its own


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_examples_of_all_templates_import_together_by_name(tmp_path, fmt):
    store = open_store(str(tmp_path / "x.db"))
    api.init_store(store)
    paths = []
    for list_name in LISTS:
        path = tmp_path / f"{template_name(list_name)}.{fmt}"
        path.write_bytes(template_csv(list_name) if fmt == "csv" else template_xlsx(list_name))
        paths.append(path)
    api.import_paths(store, paths)
    ds = store.read()
    assert ds.actors["p-erika-muster"].institution == "i-jugendamt-musterstadt"
    assert ds.alliances["b-willkommen-musterstadt"].municipality == "05315"
    assert {m.member for m in ds.memberships.values()} == {"i-jugendamt-musterstadt", "p-erika-muster"}
    assert ds.offers["a-fortbildung-musterstadt"].alliance == "b-willkommen-musterstadt"
    store.close()
