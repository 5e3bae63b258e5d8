"""The forms' declarations as written: ``<id>.toml`` in ``sheets_tools/forms/``, read with tomllib alone (no
model is built), so that a command that only names a form (collect's answer from the ledger) stays light."""
from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources

FORMS_PACKAGE = "sheets_tools.forms"  # one <id>.toml (the declaration) beside <id>.py (its rules) per form


@cache
def declarations() -> dict[str, dict]:
    """Each declaration as written, by the form's id, in the order of the files' names (do not change them)."""
    raw = {}
    for entry in sorted(resources.files(FORMS_PACKAGE).iterdir(), key=lambda p: p.name):
        if entry.name.endswith(".toml"):
            data = tomllib.loads(entry.read_text(encoding="utf-8"))
            raw[data.get("id", entry.name)] = data
    return raw


def form_name(form_id: str) -> str:
    """The form's name as the office knows it ("Đăng ký thi đua"); an unknown id as it is."""
    return str(declarations().get(form_id, {}).get("name") or form_id)
