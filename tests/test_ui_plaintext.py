"""Data is rendered as plain text everywhere in the app (issue 15 item 6).

Streamlit renders the text of st.markdown, st.warning, st.error, … and of widget
labels as Markdown: a pseudonym ``![x](http://host/p.png)`` would make every
viewer's browser fetch that URL. Every value interpolated into such a text must
go through ``md()`` (ui/common.py), which escapes Markdown, unless it is one of
the few values that cannot carry data (numbers, dates, fixed labels).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

UI = Path(__file__).resolve().parent.parent / "ui"
MARKDOWN_CALLS = {"markdown", "write", "warning", "error", "info", "success", "caption", "title", "header",
                  "subheader", "toast", "expander", "button", "download_button", "checkbox", "radio", "toggle"}
#: Expressions that cannot carry user data: counts, dates, revision numbers, fixed label tables.
SAFE = ("len(", "ctx.as_of", "ctx.revision", "LEVEL_LABELS[", "KINDS.get(", "STATUS_ICONS.get(",
        "STATUS_TEXT.get(", "list_label(", "ROLES.get(", "display_uri(", ".closed:", ".started:", "summary[",
        "change[", "done[", "r.answered", "r.invited", "file_name", "headline", "'e' if", "link_count",
        "count", "number(", "number_word(", "_pct(", ".score", "strftime(", "question[",
        "user.name")  # account names: chosen by the administration, not data


def _unsafe_parts(node: ast.AST) -> list[str]:
    """Interpolated expressions in a text argument that are not wrapped in md() and not known safe."""
    out = []
    if isinstance(node, ast.JoinedStr):
        for part in node.values:
            if isinstance(part, ast.FormattedValue):
                out += _unsafe_expr(part.value, part.format_spec)
    elif isinstance(node, ast.BinOp):
        out += _unsafe_parts(node.left) + _unsafe_parts(node.right)
    elif isinstance(node, ast.Constant):
        pass
    else:
        out += _unsafe_expr(node, None)
    return out


def _unsafe_expr(node: ast.AST, spec) -> list[str]:
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "md":
        return []
    if isinstance(node, (ast.JoinedStr, ast.Constant)):
        return _unsafe_parts(node)
    if isinstance(node, ast.IfExp):
        return _unsafe_parts(node.body) + _unsafe_parts(node.orelse)
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "join"
            and node.args and isinstance(node.args[0], ast.GeneratorExp)):
        return _unsafe_parts(node.args[0].elt)
    text = ast.unparse(node) + (":" + ast.unparse(spec) if spec is not None else "")
    if spec is not None and "%" in ast.unparse(spec):  # a date format
        return []
    if any(s in text for s in SAFE):
        return []
    return [text]


def findings() -> list[str]:
    out = []
    for path in sorted(UI.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in MARKDOWN_CALLS and node.args
                    and not (isinstance(node.func.value, ast.Name) and node.func.value.id == "archive")):
                for bad in _unsafe_parts(node.args[0]):
                    out.append(f"{path.relative_to(UI.parent)}:{node.lineno}: {bad}")
    return out


def test_every_value_in_markdown_text_is_escaped():
    assert findings() == []


@pytest.mark.parametrize("value", ["![x](http://host/p.png)", "[klick](javascript:alert(1))", "<img src=x>",
                                   ":red[rot]", "$x^2$", "**fett**"])
def test_md_leaves_no_markdown_active(value):
    import re

    from ui.common import md

    assert not re.search(r"(?<!\\)[\[\]()<>!*$:]", md(value))
