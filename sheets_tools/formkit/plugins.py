"""Each form's own rules, beside its declaration: ``sheets_tools/forms/<form id>.py``.

A form needs a rules module only for what its declaration cannot say. The module may define:

- ``prefill(sheet, context, unit) -> list[dict] | None``: the rows the office writes for a unit on a
  sheet that declares ``prefill`` (values by field; keys starting with "_" steer the layout:
  ``_label`` for column A, ``_locked`` to lock the row's input cells, ``_bold``; a ``Formula`` value is
  written as a formula the tool made, never a unit's text).
- ``check(result, form, campaign, context)``: rules over the validated rows of one file; adds findings.
- ``master(master, context)``: extra sheets of the master workbook.
- ``office_columns``: a list of ``office.OfficeColumns`` the office fills in the master, read back
  before the master is written again.
- ``outputs(context, folder) -> list[Path]``: files written beside the master after it (e.g. a list
  to publish); ``consolidate`` calls it.
- ``CODES``: the form's own finding codes (``findings.Code`` by name), added to the catalogue.
- ``MASTER_LABEL``: the form's short label in the master's sheet names ("<label> - <part>", e.g.
  "ĐK thi đua - Cá nhân", at most 31 characters); without it the form's name, cut at a word.
- a form whose declaration says ``role = "unit_scores"`` provides ``unit_totals(context)`` (each unit's
  points, read by the year-end ranking); ``role = "award_proposal"`` provides ``proposal_lines(context)``
  (its lines for the council and the decision; see ``yearend.lines``) and may set ``LINE_ID_PREFIX``.

The stages below ``forms`` never import a form: they find its module here by the form's id.
Adding a form = its TOML declaration + (if needed) this module; nothing else changes.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from functools import cache
from types import ModuleType
from typing import TYPE_CHECKING, Any

from sheets_tools.campaign.model import Campaign
from sheets_tools.core.findings import add_loader, register
from sheets_tools.core.records import FileResult, Row
from sheets_tools.core.text import normalize, person_key
from sheets_tools.formkit.declaration import TableSheet, load_forms
from sheets_tools.formkit.files import FORMS_PACKAGE
from sheets_tools.formkit.rows import finding_at

if TYPE_CHECKING:
    from sheets_tools.store.ledger import Ledger


class Formula(str):
    """A formula the tool wrote into a template (e.g. a parent criterion's sum): trusted, locked."""


@cache
def rules_for(form_id: str) -> ModuleType | None:
    """The rules module of a form, or None when it has none."""
    name = f"{FORMS_PACKAGE}.{form_id}"
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name == name:
            return None
        raise
    register(getattr(module, "CODES", {}))
    return module


def load_all_rules() -> None:
    """Import every declared form's rules (and so register their finding codes)."""
    for form_id in load_forms():
        rules_for(form_id)


add_loader(load_all_rules)  # the catalogue asks for the forms' own codes through this, never by import


def hook(form_id: str, name: str) -> Any:
    """One function (or value) of a form's rules module, or None."""
    module = rules_for(form_id)
    return getattr(module, name, None) if module else None


def rows_by_code(result: "FileResult", sheet: "TableSheet", known, duplicate: str, unknown: str
                 ) -> dict[str, "Row"]:
    """The rows of a prefilled ``sheet`` by their "code" (a criterion, an indicator); a code twice is
    reported as ``duplicate``, one not in ``known`` as ``unknown``, and neither is returned. A row of an
    unknown code also leaves the file's rows: it is not recorded, as its finding tells the unit."""
    out: dict[str, "Row"] = {}
    unknown_rows: set[int] = set()
    for row in result.rows:
        code = normalize(str(row.values.get("code") or "")) if row.sheet == sheet.key else ""
        if not code:
            continue
        if code in out:
            result.findings.append(finding_at(result, sheet, row, duplicate, "code", value=code,
                                              other_row=out[code].row))
        elif code not in known:
            result.findings.append(finding_at(result, sheet, row, unknown, "code", value=code))
            unknown_rows.add(id(row))
        else:
            out[code] = row
    if unknown_rows:
        result.rows = [r for r in result.rows if id(r) not in unknown_rows]
    return out


@dataclass
class Context:
    """What a form's rules may look at besides the file: the campaign and, when there is one, the ledger
    (other forms' data, the award history, the office's entries). Values are loaded once per run."""

    campaign: "Campaign"
    ledger: "Ledger | None" = None
    cache: dict = field(default_factory=dict)

    def once(self, key: str, load) -> Any:
        if key not in self.cache:
            self.cache[key] = load()
        return self.cache[key]

    def rows_in_use(self, form_id: str) -> dict[str, list["Row"]]:
        """Per unit, the rows of its data submission of ``form_id`` (the latest file not rejected),
        dates as ``date``; empty without a ledger. Read again only when a file was recorded since
        (a collect run records files one by one)."""
        if self.ledger is None or form_id not in load_forms():  # no ledger: only rows the caller gave
            return self.cache.get(f"rows:{form_id}", {})
        subs = self.ledger.data_submission(form_id)
        form = load_forms()[form_id]
        return self.once(f"rows:{form_id}:{sorted(s.id for s in subs.values())}",
                         lambda: {unit: self.ledger.typed_rows(form, sub.id) for unit, sub in subs.items()})

    def registered_people(self, unit: str) -> dict[str, list[dict]]:
        """The individuals ``unit`` registered in January (form "registration"), by ``text.person_key``
        of their full name."""
        out: dict[str, list[dict]] = {}
        for row in self.rows_in_use("registration").get(unit, []):
            if row.sheet == "individuals":
                name = f"{row.values.get('family_name') or ''} {row.values.get('given_name') or ''}"
                out.setdefault(person_key(name), []).append(row.values)
        return out
