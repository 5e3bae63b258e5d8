"""Every unit's form workbook made from one build per form, not one build per unit.

``templates.form_workbook`` builds a unit's form with openpyxl, cell by cell (about 0.15 s a form). The
forms of two units differ only in the unit's name and code (the heading cells, the guide's line, the
identification sheet, defined name and custom property) and in the rows the form prefills for the unit.
So the form is built once with two placeholders for the name and the code (per distinct prefilled rows),
and each unit's workbook is a copy of those bytes with the placeholders replaced in the parts that hold
them (the sheets' inline strings, the defined names, the custom properties). A unit whose workbook would
not come out the same that way (a name the guide's line wraps to another height, a name with characters
openpyxl would change) gets the full build.
"""
from __future__ import annotations

import io
from xml.sax.saxutils import escape

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.workbook import Workbook

from sheets_tools.campaign.model import Campaign, Unit
from sheets_tools.collection.templates import GUIDE_WIDTH, form_workbook, guide_unit_line, prefill_rows
from sheets_tools.excel import fit
from sheets_tools.excel.zipedit import XlsxParts
from sheets_tools.formkit.declaration import Form
from sheets_tools.formkit.plugins import Context

NAME_TOKEN = "QZXUNITNAMEQZX"
CODE_TOKEN = "QZXUNITCODEQZX"
NAMES_PART = "xl/workbook.xml"  # the defined names: the code as a quoted formula string
KEPT_TEMPLATES = 16  # templates kept at once (a form whose prefilled rows differ for every unit)


class UnitBooks:
    """The units' workbooks of one campaign: ``workbook_bytes(form, unit)``."""

    def __init__(self, campaign: Campaign, context: Context | None = None):
        self.campaign = campaign
        self.context = context or Context(campaign)
        self._templates: dict[tuple[str, str], Template | None] = {}

    def workbook_bytes(self, form: Form, unit: Unit) -> bytes:
        """The bytes of ``unit``'s workbook of ``form``: what ``form_workbook(form, campaign, unit,
        context=...)`` saves, with the same cells, styles, lists, names and properties."""
        prefilled = {s.key: prefill_rows(form, s, self.campaign, unit, self.context) for s in form.sheets}
        template = self._template(form, prefilled) if plain(unit) else None
        if template is None or not template.fits(unit):
            return workbook_bytes(form_workbook(form, self.campaign, unit, context=self.context,
                                                prefilled=prefilled))
        return template.for_unit(unit)

    def _template(self, form: Form, prefilled: dict[str, list[dict] | None]) -> Template | None:
        key = (form.id, repr(sorted(prefilled.items())))
        if key not in self._templates:
            if len(self._templates) >= KEPT_TEMPLATES:
                del self._templates[next(iter(self._templates))]
            built = form_workbook(form, self.campaign, stand_in(), context=self.context, prefilled=prefilled)
            self._templates[key] = Template.of(workbook_bytes(built))
        return self._templates[key]


def stand_in() -> Unit:
    """The unit a template is built for: its name and code are the placeholders."""
    return Unit.model_construct(code=CODE_TOKEN, name=NAME_TOKEN)


def workbook_bytes(wb: Workbook) -> bytes:
    """``wb`` saved, as bytes."""
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def plain(unit: Unit) -> bool:
    """Whether the unit's name and code are written unchanged by openpyxl (no control character, no
    space at either end) and hold no placeholder."""
    for value in (unit.name, unit.code):
        if (not value or value != value.strip() or ILLEGAL_CHARACTERS_RE.search(value)
                or any(ch in value for ch in "\t\n\r") or NAME_TOKEN in value or CODE_TOKEN in value):
            return False
    return True


def _xml(value: str) -> str:
    """``value`` as XML text, every character outside ASCII as a character reference (as openpyxl writes)."""
    return escape(value).encode("ascii", "xmlcharrefreplace").decode("ascii")


def _guide_height(unit: Unit) -> float:
    """The height ``fit_rows`` gives the guide's unit line (0.0: the default height)."""
    return fit.taller_row([(guide_unit_line(unit), float(GUIDE_WIDTH), float(fit.SIZE), False)])


class Template:
    """One form built for the placeholders, as its parts."""

    def __init__(self, parts: XlsxParts, holders: dict[str, str], height: float):
        self.parts, self.holders, self.height = parts, holders, height

    @classmethod
    def of(cls, data: bytes) -> Template | None:
        """The template of a workbook built for the placeholders; None when they are not where expected."""
        parts = XlsxParts(data)
        holders = {}
        for name in parts.names():
            text = parts.part(name).decode("utf-8", errors="replace")
            if NAME_TOKEN in text or CODE_TOKEN in text:
                holders[name] = text
        if NAMES_PART not in holders or NAME_TOKEN in holders[NAMES_PART] or holders[NAMES_PART].count(CODE_TOKEN) != 1:
            return None
        return cls(parts, holders, _guide_height(stand_in()))

    def fits(self, unit: Unit) -> bool:
        """Whether ``unit``'s workbook is this template's with the placeholders replaced: its guide
        line takes the placeholder's height."""
        return _guide_height(unit) == self.height

    def text(self, name: str) -> str:
        """Part ``name`` as text (with the placeholders)."""
        return self.holders.get(name) or self.parts.part(name).decode("utf-8")

    def for_unit(self, unit: Unit, changed: dict[str, bytes] | None = None, added: dict[str, bytes] | None = None,
                 keep: str = "") -> bytes:
        """The workbook's bytes for ``unit``: the placeholders replaced in every part that holds them and in
        the parts ``changed`` (but ``keep``, written for the unit already); ``added`` parts as they are."""
        out = {}
        for name in set(self.holders) | set(changed or {}):
            if name == keep:
                out[name] = changed[name]
                continue
            text = changed[name].decode("utf-8") if changed and name in changed else self.holders[name]
            code = unit.code.replace('"', '""') if name == NAMES_PART else unit.code
            out[name] = text.replace(NAME_TOKEN, _xml(unit.name)).replace(CODE_TOKEN, _xml(code)).encode("utf-8")
        return self.parts.copy(out, added)
