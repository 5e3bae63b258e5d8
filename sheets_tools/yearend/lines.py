"""The proposal lines the year end works on: the council's ballot, the decision lists, the check sheets.

A line is one title or form of commendation proposed for one person or collective on one row of a
unit's latest file of an award-proposal form, with that form's rule findings of today (re-checked:
the award history, the registrations and the ranking may have changed since the file came in).

Any form reaches the ballot, the tally and the decision lists, with no change here, by:

1. declaring ``role = "award_proposal"`` in its ``forms/<id>.toml``;
2. providing in its rules module ``forms/<id>.py``:

   - ``proposal_lines(context) -> list[Line]``: its lines. ``read_lines(context, form_id,
     row_findings, proposals)`` below builds them from the ledger, given the form's
     ``row_findings(unit, rows, context) -> list[Finding]`` (its rules over a unit's rows, cells
     named in the template's sheets) and ``proposals(unit, rows, context) -> list[Proposal]``
     (the proposals of a unit's rows: each ``Proposal`` names the form and carries what the
     year end needs and only the form knows: the subject, the name shown, the family and given
     name, the birth date and the position of a person);
   - ``check(result, form, campaign, context)``: the same rules when a file comes in (the unit's
     feedback), as for every form;
   - ``master(m, context)``, optional: ``check_sheet(m, context, "<id>")``, the form's own check
     sheet in the master workbook;
   - ``LINE_ID_PREFIX``, optional: what starts its lines' ids (default ``"<id>:"``).

   - ``office_columns = [override_columns(FORM_ID, CHECK_SHEET)]``, with ``CHECK_SHEET`` the ``name``
     it gives ``check_sheet``: the office's reasons typed there are read back by ``consolidate``.

``lines`` gathers the lines of every such form. A line is ``ok`` when its file can carry it and it
has no error, or the office still puts it through (below). ``candidates`` are the ok lines whose
catalogue item has a vote share (the ballot, ``award.make_ballot``); the tally keeps each vote by the
line's ``id``; ``award.decide`` lists the ok lines (those needing a vote once the council passed
them). A line with an error reaches neither, whatever form it comes from, unless the office put it
through.

Which file carries a line (``Line.accepted_file``): every line comes from the unit's LATEST file of
the form. That file carries its lines when it was accepted, and also when it was returned only for
findings of the form's own rules (codes of the form's ``CODES``): those are exactly what
``row_findings`` checks again now, each on its own row, so a line is judged on its own findings of
today, and a returned file's clean lines are not held back by another line's problem (nor is a
line the office puts through). A file returned for anything else (a cell the declaration refuses,
a sheet or a column missing, another campaign's or form's file...) carries none of its lines: its
rows are incomplete or cannot be trusted, and a re-check cannot tell, so the unit must send it
again. A rule finding that names no row of the unit's file stops every line of the file.

The office's override: the check sheet has a column ``OVERRIDE_LABEL`` where the office types why
it still proposes a line that fails a rule, and a key column ``KEY_LABEL`` (``override_key``: the
line's ``id`` and a short digest of the name it shows). ``consolidate`` reads the reasons back into
the ledger (``store.office``, scope ``override_scope``); a reason counts only for that same line and
the same person or collective (a unit that later sends another person on that row does not inherit
it). The line is then ok for the ballot (the reason printed beside it) and the decision, and the
check sheet says ``OVERRIDDEN``; a reason typed then removed puts the line back out. A file that
carries none of its lines cannot be overridden.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from typing import Callable, Literal

from sheets_tools.campaign.model import CatalogueItem
from sheets_tools.core.findings import Finding
from sheets_tools.core.records import Row
from sheets_tools.core.text import fold
from sheets_tools.formkit.declaration import get_form, load_forms
from sheets_tools.formkit.plugins import Context, hook
from sheets_tools.master.office import OfficeColumn, OfficeColumns
from sheets_tools.store.ledger import Ledger, Submission
from sheets_tools.store.office import entries as office_entries
from sheets_tools.yearend.council import Candidate
from sheets_tools.yearend.ties import order_candidates
from sheets_tools.yearend.council import load as council_votes

ROLE = "award_proposal"
RETURNED = ("Tệp đề nghị mới nhất của đơn vị bị trả lại vì lỗi nhập liệu hoặc cấu trúc (xem trang \"Vấn đề tồn "
            "đọng\"); các đề nghị trong tệp chỉ được xét khi đơn vị gửi lại tệp đã sửa.")
# the check sheet's columns the office fills: why it still proposes a line, the key of each row
OVERRIDE_LABEL = "Văn phòng vẫn trình (ghi lý do)"
KEY_LABEL = "Mã dòng"
NAME_LABEL = "Họ và tên / Tên tập thể"
PASSED, FAILED, OVERRIDDEN = "Đạt", "Chưa đạt", "Trình theo ý kiến Văn phòng"


@dataclass
class Proposal:
    """One title or form proposed on one row of a proposal form, as the form's rules read it."""

    form: str  # the proposal form's id
    unit: str
    sheet: str  # the form's sheet key
    row: Row
    item: CatalogueItem
    subject: Literal["individual", "collective"]
    name: str  # a person's full name or a collective's name, as shown in every list
    family_name: str = ""  # a person's, for the decision lists and the award history
    given_name: str = ""
    birth_date: date | None = None
    position: str = ""

    @property
    def id(self) -> str:
        """Stable: it links the council's vote (kept in the ledger) to the line."""
        prefix = hook(self.form, "LINE_ID_PREFIX")
        prefix = f"{self.form}:" if prefix is None else prefix
        return f"{prefix}{self.unit}/{self.sheet}/{self.row.row}/{self.item.code}"


@dataclass
class Line:
    """One proposal of a unit's latest submission, re-checked now."""

    proposal: Proposal
    findings: list[Finding]
    accepted_file: bool  # the unit's latest file carries its lines (see the module's docstring)
    office_reason: str = ""  # why the office still proposes it, typed on the master's check sheet

    @property
    def errors(self) -> bool:
        return any(f.severity == "error" for f in self.findings)

    @property
    def overridden(self) -> bool:
        """The line fails a rule but the office puts it through (its file carries it)."""
        return self.accepted_file and self.errors and bool(self.office_reason)

    @property
    def ok(self) -> bool:
        """On the ballot (when its item needs a vote) and in the decision."""
        return self.accepted_file and (not self.errors or bool(self.office_reason))

    @property
    def status(self) -> str:
        """What the check sheet says of it: ``PASSED``, ``OVERRIDDEN`` or ``FAILED``."""
        return OVERRIDDEN if self.overridden else PASSED if self.ok else FAILED

    @property
    def name(self) -> str:
        return self.proposal.name


RowFindings = Callable[[str, list[Row], Context], list[Finding]]
Proposals = Callable[[str, list[Row], Context], list[Proposal]]


def proposal_forms() -> list[str]:
    """The ids of the forms declared with role "award_proposal", in the year's order."""
    return [form.id for form in load_forms().values() if form.role == ROLE]


def lines(context: Context) -> list[Line]:
    """Every award-proposal form's lines (each unit's latest submission), with the findings of today."""
    return [line for form_id in proposal_forms() for line in form_lines(context, form_id)]


def form_lines(context: Context, form_id: str) -> list[Line]:
    """One award-proposal form's lines, from its ``proposal_lines`` hook (once per context)."""
    make = hook(form_id, "proposal_lines")
    if make is None:
        raise ValueError(f"form {form_id!r} declares role {ROLE!r} but its rules have no proposal_lines(context)")
    return context.once(f"proposal.lines:{form_id}", lambda: make(context))


def read_lines(context: Context, form_id: str, row_findings: RowFindings, proposals: Proposals) -> list[Line]:
    """The lines of every unit's latest submission of ``form_id`` (see the module's docstring)."""
    out: list[Line] = []
    if context.ledger is None:
        return out
    form = get_form(form_id)
    sheets = {s.key: s for s in form.sheets}
    reasons = office_entries(context.ledger, override_scope(form_id))
    for unit, sub in context.ledger.current(form_id).items():
        rows = context.ledger.typed_rows(form, sub.id)
        found = row_findings(unit, rows, context)
        carries = carries_lines(context.ledger, form_id, sub)
        whole_file = [f for f in found if _row_number(f.cell) is None]
        for p in proposals(unit, rows, context):
            sheet = sheets[p.sheet]
            mine = [f for f in found if f.sheet == sheet.name and _row_number(f.cell) == p.row.row]
            reason = (reasons.get(override_key(p)) or {}).get("reason") or ""
            out.append(Line(p, mine + whole_file, carries, str(reason)))
    return out


def carries_lines(ledger: Ledger, form_id: str, sub: Submission) -> bool:
    """The file ``sub`` of ``form_id`` carries its lines: it was accepted, or returned only for findings of
    the form's own rules (its ``CODES``, checked again on every line now)."""
    rules = hook(form_id, "CODES") or {}
    return all(f.code in rules for f in ledger.findings(sub.id) if f.severity == "error")


def _row_number(cell: str | None) -> int | None:
    digits = "".join(ch for ch in cell or "" if ch.isdigit())
    return int(digits) if digits else None


# --- the office's override ---------------------------------------------------------------------------
def override_scope(form_id: str) -> str:
    """Where the office's reasons for ``form_id``'s lines are kept in the ledger (``store.office``)."""
    return f"{form_id}.override"


def override_columns(form_id: str, sheet: str) -> OfficeColumns:
    """The column of ``form_id``'s check sheet (named ``sheet`` in the master) where the office types its
    reason, read back by ``consolidate`` row by row (``override_key``)."""
    return OfficeColumns(scope=override_scope(form_id), sheet=sheet, key_label=KEY_LABEL,
                         columns=(OfficeColumn("reason", OVERRIDE_LABEL, "text"),))


def override_key(p: Proposal) -> str:
    """The key of a line's row on the check sheet: its ``id`` and a digest of the name it shows (any spelling
    of the same name gives the same digest), so that a reason stays with the person or collective it was typed
    beside."""
    return f"{p.id}#{hashlib.sha1(fold(p.name).encode('utf-8')).hexdigest()[:6]}"


def candidates(context: Context) -> list[Candidate]:
    """The lines the council votes on: ok (no error, or put through by the office, with its reason), for a
    title or form that needs a vote."""
    out = []
    for line in lines(context):
        p, item = line.proposal, line.proposal.item
        if line.ok and item.vote_percent:
            unit = context.campaign.unit(p.unit)
            out.append(Candidate(id=p.id, subject=p.subject, name=line.name, unit_name=unit.name if unit else p.unit,
                                 award_code=item.code, award_name=item.name, vote_percent=item.vote_percent,
                                 office_reason=line.office_reason if line.overridden else ""))
    return order_candidates(context, out)


# --- the master's check sheet of one proposal form ---------------------------------------------------
Extra = tuple[str, float, Callable[[Line], str]]  # one more column: label, width, its text for a line


def check_sheet(m, context: Context, form_id: str, *, name: str | None = None, extra: Extra | None = None) -> None:
    """The checks of one proposal form in the master (every line, the rule it fails or "Đạt") and the
    council's result. ``name``: the sheet's (at most 31 characters; "Kiểm tra <form name>" by default);
    ``extra``: one more column the form adds. The last two columns are the office's reason to still
    propose a line (``OVERRIDE_LABEL``, typed by the office) and the line's key (``KEY_LABEL``), read back
    by ``consolidate`` when the form declares ``override_columns``."""
    found = form_lines(context, form_id)
    if not found:
        return
    form = get_form(form_id)
    votes = council_votes(context.ledger) if context.ledger is not None else {}
    cols = [("Mã đơn vị", 11), ("Tên đơn vị", 30), ("Đối tượng", 10), (NAME_LABEL, 28),
            ("Ngày sinh", 11), ("Danh hiệu, hình thức đề nghị", 30), ("Kết quả kiểm tra", 12),
            ("Vấn đề (căn cứ)", 70), ("Cần biểu quyết", 10), ("Kết quả biểu quyết", 26)]
    if extra is not None:
        cols.append(extra[:2])
    reason_col = len(cols)
    cols += [(OVERRIDE_LABEL, 30), (KEY_LABEL, 12)]
    ws = m.sheet(name or _sheet_name(form.name), "")
    m.frame(ws, f"KẾT QUẢ KIỂM TRA HỒ SƠ {form.name.upper()} NĂM {m.year}",
            f"{m.stamp()}. Đề nghị chưa đạt mà Văn phòng vẫn trình: ghi lý do ở cột \"{OVERRIDE_LABEL}\" (ô nền "
            "vàng) rồi chạy lại sheets-tools consolidate; xóa lý do thì đề nghị lại bị loại.",
            [w for _, w in cols], 4)
    m.header(ws, [label for label, _ in cols])
    r = m.header_row
    for line in found:
        r += 1
        p, unit = line.proposal, context.campaign.unit(line.proposal.unit)
        problems = "\n".join(f.message for f in line.findings)
        if not line.accepted_file:
            problems = f"{RETURNED}\n{problems}".strip()
        vote = votes.get(p.id)
        values = [p.unit, unit.name if unit else "", "Tập thể" if p.subject == "collective" else "Cá nhân", line.name,
                  p.birth_date, p.item.name, line.status]
        for c, value in enumerate(values):
            m.put(ws, r, c, value)
        m.put(ws, r, 7, problems, "bad" if line.errors or not line.accepted_file else "wrap")
        m.put(ws, r, 8, f"{p.item.vote_percent:g}%" if p.item.vote_percent else "Không")
        m.put(ws, r, 9, vote.note if vote else "", "good" if vote and vote.passed else "wrap")
        if extra is not None:
            m.put(ws, r, 10, extra[2](line), "wrap")
        m.put(ws, r, reason_col, line.office_reason, "input_text")
        m.put(ws, r, reason_col + 1, override_key(p))
    ws.autofilter(m.header_row, 0, r, len(cols) - 1)
    counts = {status: sum(1 for x in found if x.status == status) for status in (PASSED, OVERRIDDEN, FAILED)}
    through = f" {OVERRIDDEN.lower()}: {counts[OVERRIDDEN]};" if counts[OVERRIDDEN] else ""
    m.note(ws, r + 2, f"Tổng số đề nghị: {len(found)}; đạt yêu cầu: {counts[PASSED]};{through} "
                      f"chưa đạt: {counts[FAILED]}.")


def _sheet_name(form_name: str) -> str:
    """"Kiểm tra đề nghị ...", cut at a word to Excel's 31 characters."""
    name = f"Kiểm tra {form_name[:1].lower()}{form_name[1:]}"
    return name if len(name) <= 31 else name[:32].rsplit(" ", 1)[0]
