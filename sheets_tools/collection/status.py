"""The status board: for every form with a deadline and every unit, what was received and when.

The state comes from the unit's current (latest) submission; the rows that go into the
master come from its data submission (the latest one not rejected), so a unit whose
latest file was rejected may still have older accepted data in use.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from sheets_tools.campaign.model import Campaign
from sheets_tools.core.findings import ERROR, STATUS_LABELS, WARNING, Finding
from sheets_tools.formkit.declaration import Form, load_forms
from sheets_tools.store.ledger import Ledger, Submission
from sheets_tools.collection.calendar import REGULAR, REGULAR_TEXT, Window, window
from sheets_tools.collection.validate import cross_unit_findings

STATES = ("accepted", "accepted_with_warnings", "rejected", "missing")
TIMING_LABELS = {
    "on_time": "Đúng hạn",
    "late": "Nộp muộn",
    "overdue": "Quá hạn, chưa nộp",
    "pending": "Chưa nộp",
    "not_open": "Chưa đến kỳ gửi",
    "optional": "Không bắt buộc",  # a unit that did not send a form it may send or not
}
COUNT_KEYS = ("units", "sent", "on_time", "late", "missing", "overdue", "optional",
              "accepted", "accepted_with_warnings", "rejected", "older_data_in_use")
OPTIONAL_TEXT = "không bắt buộc"


def local_naive(moment: datetime) -> datetime:
    """A received time as the office's local wall clock (e-mail dates carry an offset)."""
    if moment.tzinfo is not None:
        return moment.astimezone().replace(tzinfo=None)
    return moment


def format_moment(moment: datetime | None) -> str:
    """dd/mm/yyyy HH:MM, or an empty string."""
    return moment.strftime("%d/%m/%Y %H:%M") if moment else ""


@dataclass
class Entry:
    """One unit x one form."""

    unit: str
    unit_name: str
    block: str
    form: str
    deadline: date
    state: str  # one of STATES
    timing: str  # one of TIMING_LABELS
    received_at: datetime | None = None
    file: str | None = None
    versions: int = 0
    errors: int = 0
    warnings: int = 0
    older_data_in_use: bool = False  # latest rejected, an earlier accepted file's rows are used
    data_received_at: datetime | None = None
    submission_id: int | None = None  # the current submission
    data_submission_id: int | None = None  # the submission whose rows go into the master

    @property
    def state_label(self) -> str:
        return STATUS_LABELS[self.state]

    @property
    def timing_label(self) -> str:
        return TIMING_LABELS[self.timing]

    @property
    def note(self) -> str:
        """Vietnamese note for the office, e.g. which older file's data is in use."""
        if self.older_data_in_use:
            return f"Đang dùng dữ liệu tệp hợp lệ nhận lúc {format_moment(self.data_received_at)}"
        return ""

    def to_json(self) -> dict:
        return {
            "unit": self.unit, "unit_name": self.unit_name, "block": self.block, "form": self.form,
            "deadline": self.deadline.isoformat(), "state": self.state, "timing": self.timing,
            "received_at": self.received_at.isoformat() if self.received_at else None,
            "file": self.file, "versions": self.versions, "errors": self.errors, "warnings": self.warnings,
            "older_data_in_use": self.older_data_in_use,
        }


@dataclass
class FormStatus:
    """The entries of one form, in the campaign's unit order."""

    form: Form
    deadline: date
    entries: list[Entry]
    cross_unit: dict[str, list[Finding]] = field(default_factory=dict)  # per unit, over the data in use
    window: Window | None = None  # the form's calendar line
    today: date | None = None
    optional: bool = False  # units may send it or not (column "Không bắt buộc" of sheet "Thời hạn")

    @property
    def when(self) -> str:
        """How today stands against the deadline, in Vietnamese ("còn 5 ngày", "đã quá hạn 3 ngày"; an
        optional form is never overdue: "đã hết hạn nộp; không bắt buộc")."""
        if not (self.window and self.today):
            return ""
        text = self.window.when_text(self.today)
        if self.optional:
            closed = self.window.state(self.today) == "closed"
            text = ("đã hết hạn nộp" if closed else text) + f"; {OPTIONAL_TEXT}"
        return text

    @property
    def counts(self) -> dict[str, int]:
        c = Counter({k: 0 for k in COUNT_KEYS})
        for e in self.entries:
            c["units"] += 1
            c[e.timing] += 1
            c[e.state] += 1
            c["older_data_in_use"] += e.older_data_in_use
            if e.state != "missing":
                c["sent"] += 1
        c["missing"] = c["units"] - c["sent"] - c["optional"]
        return {k: c[k] for k in COUNT_KEYS}

    def to_json(self) -> dict:
        opens = self.window.opens if self.window else None
        return {"form": self.form.id, "name": self.form.name, "deadline": self.deadline.isoformat(),
                "opens": opens.isoformat() if opens else None,
                "period": self.window.state(self.today) if self.window and self.today else None,
                "optional": self.optional, "counts": self.counts, "units": [e.to_json() for e in self.entries]}


@dataclass
class Unidentified:
    """A received file the ledger could not attribute to a unit (or to a form)."""

    submission_id: int
    file: str
    source: str
    received_at: datetime
    form: str | None
    unit: str | None
    status: str
    errors: int = 0
    warnings: int = 0

    def to_json(self) -> dict:
        return {"file": self.file, "source": self.source, "received_at": self.received_at.isoformat(),
                "form": self.form, "unit": self.unit, "status": self.status,
                "errors": self.errors, "warnings": self.warnings}


@dataclass
class Board:
    """What ``board()`` returns: per form the units' entries, plus the unidentified files."""

    today: date
    units: int = 0
    forms: list[FormStatus] = field(default_factory=list)
    unidentified: list[Unidentified] = field(default_factory=list)
    undated: list[Form] = field(default_factory=list)  # forms whose calendar line has no date yet
    regular: dict[str, int] = field(default_factory=dict)  # a form sent any day: how many units sent it

    def to_json(self) -> dict:
        """{"forms": [{"form", "name", "deadline", "counts", "units": [...]}], "unidentified": [...]}."""
        return {"forms": [f.to_json() for f in self.forms],
                "unidentified": [u.to_json() for u in self.unidentified]}

    def format_text(self) -> str:
        """A plain-text table per form, in Vietnamese, for the terminal."""
        blocks = [self.calendar_text()] + [_form_text(fs) for fs in self.forms]
        if not self.forms:
            blocks.append("Chưa có biểu mẫu nào có hạn nộp trong đợt thi đua "
                          "(xem trang \"Thời hạn\" của campaign.xlsx).")
        if self.unidentified:
            blocks.append(_unidentified_text(self.unidentified))
        return "\n\n".join(blocks)


    def calendar_text(self) -> str:
        """The campaign's calendar, one line per form: when it goes out, its deadline, who has sent it."""
        rows = [("Biểu mẫu", "Gửi từ", "Hạn nộp", "Đã nộp", "Tình hình")]
        for fs in self.forms:
            opens = fs.window.opens if fs.window else None
            rows.append((fs.form.name, f"{opens:%d/%m/%Y}" if opens else "", f"{fs.deadline:%d/%m/%Y}",
                         f"{fs.counts['sent']}/{fs.counts['units']}", fs.when))
        forms = load_forms()
        for form_id, sent in self.regular.items():
            rows.append((forms[form_id].name, "", REGULAR, f"{sent}/{self.units}", REGULAR_TEXT))
        for form in self.undated:
            rows.append((form.name, "", "", "", "chưa có hạn nộp (trang \"Thời hạn\" của campaign.xlsx)"))
        return "\n".join([f"Lịch nộp biểu mẫu (hôm nay {self.today:%d/%m/%Y})", *_table(rows, numeric=set())])


def board(campaign: Campaign, ledger: Ledger, today: date | None = None) -> Board:
    """The status of every unit for every form that has a deadline in the campaign.

    ``today`` (default: the system date) tells an overdue unit from a pending one.
    """
    out = Board(today=today or date.today(), units=len(campaign.units))
    for form in load_forms().values():
        w = window(campaign, form)
        if form.regular:
            out.regular[form.id] = len({s.unit for s in ledger.submissions(form=form.id) if s.unit})
            continue
        if w.deadline is None:
            out.undated.append(form)
            continue
        fs = _form_status(campaign, ledger, form, w.deadline, out.today)
        fs.window, fs.today, fs.optional = w, out.today, is_optional(campaign, form)
        for entry in fs.entries:
            if entry.state == "missing" and fs.optional:
                entry.timing = "optional"
            elif entry.state == "missing" and w.state(out.today) == "not_open":
                entry.timing = "not_open"
        out.forms.append(fs)
    out.unidentified = _unidentified(ledger, set(load_forms()))
    return out


def is_optional(campaign: Campaign, form: Form) -> bool:
    """Whether units may send ``form`` or not (its calendar line says "Không bắt buộc": "Có"): it is then
    never overdue and never reminded."""
    entry = campaign.calendar(form.deadline) if form.deadline else None
    return bool(entry and entry.optional)


def counts_line(counts: dict[str, int]) -> str:
    """One Vietnamese sentence with a form's counts."""
    owing = (f"chưa nộp {counts['missing']} (quá hạn {counts['overdue']})" if not counts.get("optional")
             else f"{counts['optional']} đơn vị không gửi ({OPTIONAL_TEXT})")
    line = (f"Đã nộp {counts['sent']}/{counts['units']} đơn vị (đúng hạn {counts['on_time']}, "
            f"muộn {counts['late']}); {owing}. "
            f"{STATUS_LABELS['accepted']}: {counts['accepted']}; "
            f"{STATUS_LABELS['accepted_with_warnings'].lower()}: {counts['accepted_with_warnings']}; "
            f"{STATUS_LABELS['rejected'].lower()}: {counts['rejected']}.")
    if counts["older_data_in_use"]:
        line += f" Đang dùng dữ liệu lần gửi trước: {counts['older_data_in_use']} đơn vị."
    return line


# --- building -----------------------------------------------------------------------------------
def _form_status(campaign: Campaign, ledger: Ledger, form: Form, deadline: date, today: date) -> FormStatus:

    current = ledger.current(form.id)
    data = ledger.data_submission(form.id)
    cross = cross_unit_findings(form, ledger.shared_rows(form), campaign) if data else {}
    versions = Counter(s.unit for s in ledger.submissions(form=form.id) if s.unit)
    entries = []
    for unit in campaign.units:
        entry = Entry(unit=unit.code, unit_name=unit.name, block=unit.block, form=form.id, deadline=deadline,
                      state="missing", timing="overdue" if today > deadline else "pending",
                      versions=versions[unit.code])
        sub = current.get(unit.code)
        if sub is not None:
            _fill(entry, sub, data.get(unit.code), ledger)
            if entry.data_submission_id == sub.id and cross.get(unit.code):
                entry.warnings += len(cross[unit.code])
                if entry.state == "accepted":
                    entry.state = "accepted_with_warnings"
        entries.append(entry)
    return FormStatus(form=form, deadline=deadline, entries=entries, cross_unit=cross)


def _fill(entry: Entry, sub: Submission, data: Submission | None, ledger: Ledger) -> None:
    entry.state = sub.status
    entry.received_at = local_naive(sub.received_at)
    entry.timing = "late" if entry.received_at.date() > entry.deadline else "on_time"
    entry.file = sub.name
    entry.submission_id = sub.id
    entry.errors, entry.warnings = _severity_counts(ledger, sub.id)
    if data is not None:
        entry.data_submission_id = data.id
        entry.data_received_at = local_naive(data.received_at)
        entry.older_data_in_use = data.id != sub.id


def _severity_counts(ledger: Ledger, submission_id: int) -> tuple[int, int]:
    c = Counter(f.severity for f in ledger.findings(submission_id))
    return c[ERROR], c[WARNING]


def _unidentified(ledger: Ledger, known_forms: set[str]) -> list[Unidentified]:
    out = []
    for s in ledger.submissions():
        if s.unit and s.form in known_forms:
            continue
        errors, warnings = _severity_counts(ledger, s.id)
        out.append(Unidentified(submission_id=s.id, file=s.name, source=s.source,
                                received_at=local_naive(s.received_at), form=s.form, unit=s.unit,
                                status=s.status, errors=errors, warnings=warnings))
    return out


# --- text ---------------------------------------------------------------------------------------
_NAME_WIDTH = 40
_HEAD = ("Mã", "Đơn vị", "Nhận lúc", "Thời hạn", "Tình trạng", "Lỗi", "Lưu ý")


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"


def _table(rows: list[tuple[str, ...]], numeric: set[int]) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for n, r in enumerate(rows):
        cells = [v.rjust(w) if i in numeric else v.ljust(w) for i, (v, w) in enumerate(zip(r, widths))]
        lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return lines


def _form_text(fs: FormStatus) -> str:
    rows = [_HEAD]
    for e in fs.entries:
        state = e.state_label + (" (dùng dữ liệu lần trước)" if e.older_data_in_use else "")
        rows.append((e.unit, _clip(e.unit_name, _NAME_WIDTH), format_moment(e.received_at), e.timing_label,
                     state, str(e.errors) if e.submission_id else "", str(e.warnings) if e.submission_id else ""))
    opens = f"gửi từ {fs.window.opens:%d/%m/%Y}, " if fs.window and fs.window.opens else ""
    head = f"{fs.form.name} ({opens}hạn nộp {fs.deadline:%d/%m/%Y}" + (f"; {fs.when})" if fs.when else ")")
    return "\n".join([head, *_table(rows, numeric={5, 6}), counts_line(fs.counts)])


def _unidentified_text(items: list[Unidentified]) -> str:
    lines = [f"Tệp chưa xác định được đơn vị hoặc biểu mẫu: {len(items)}"]
    for u in items:
        who = f", đơn vị {u.unit}" if u.unit else ""
        lines.append(f"  - {u.file} (nhận lúc {format_moment(u.received_at)}{who}): "
                     f"{STATUS_LABELS.get(u.status, u.status)}, {u.errors} lỗi, {u.warnings} lưu ý")
    return "\n".join(lines)
