"""The initiative registration form's own rules (seed 000: đề tài, sáng kiến registered with the
Department's Initiative Council by 28/02).

- ``check``: authors are people of the unit's January registration; a title already registered by
  another unit; values outside the campaign's lists (with the allowed values); a start date outside a
  sensible range.
- ``master``: the Initiative Council's list, grouped by field, where the office types the council's
  result (``office_columns``), read back on the next consolidate.
- ``registered``: every initiative in use with the council's result, for the proposal checks.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Any

from sheets_tools.store import office
from sheets_tools.campaign.model import Campaign
from sheets_tools.core.findings import ERROR, WARNING, Code, Finding, finding
from sheets_tools.formkit.declaration import Form, TableSheet, get_form, resolve_choices
from sheets_tools.core.values import format_date
from sheets_tools.master.office import OfficeColumn, OfficeColumns
from sheets_tools.core.records import FileResult, Row
from sheets_tools.core.text import fold, person_key
from sheets_tools.formkit.rows import describe_row, placed
from sheets_tools.formkit.plugins import Context

FORM_ID = SHEET = "initiatives"
SCOPE_LIST = "Phạm vi áp dụng"
RECOGNISED, NOT_RECOGNISED = "Công nhận", "Không công nhận"
START_YEARS_BACK = 5  # a start date more than this many years before the campaign year is unlikely

CODES = {
    "initiative.author_not_registered": Code(
        WARNING, "{what}: {role} \"{value}\" không có trong danh sách cá nhân đăng ký thi đua tháng 1 của đơn vị. "
        "Hãy ghi đúng họ và tên như trong bản đăng ký thi đua (nhiều người thì cách nhau bằng dấu \";\"); nếu "
        "người này chưa đăng ký thi đua, hãy gửi bổ sung bản đăng ký thi đua. (Căn cứ: {basis}.)"),
    "initiative.authors_unchecked": Code(
        WARNING, "Đơn vị chưa có bản đăng ký thi đua hợp lệ nên chưa đối chiếu được tác giả, đồng tác giả với danh "
        "sách cá nhân đăng ký thi đua. Hãy gửi bản đăng ký thi đua trước, rồi gửi lại bảng đăng ký đề tài, sáng "
        "kiến này để được đối chiếu. (Căn cứ: {basis}.)"),
    "initiative.duplicate_title": Code(
        ERROR, "{what} trùng tên với \"{other_title}\" mà {other_unit} đã đăng ký với Hội đồng Sáng kiến. Mỗi đề "
        "tài, sáng kiến chỉ đăng ký tại một đơn vị: nếu là hai sáng kiến khác nhau, hãy đặt lại tên cho rõ; nếu "
        "là sáng kiến chung, hãy thống nhất để một đơn vị đăng ký và ghi người của đơn vị kia vào cột "
        "\"Đồng tác giả\", rồi gửi lại. (Căn cứ: {basis}.)"),
    "initiative.not_in_list": Code(
        ERROR, "\"{label}\": \"{value}\" không có trong danh mục \"{list}\" của đợt thi đua. Hãy chọn một trong các "
        "giá trị: {allowed}."),
    "initiative.start_date": Code(
        WARNING, "{what}: ngày bắt đầu áp dụng {value} không hợp lý (cần từ {earliest} đến {latest}). Hãy kiểm "
        "tra lại ngày."),
}


# --- comparison keys ---------------------------------------------------------------------------
_NOT_WORD = re.compile(r"[\W_]+")
_NAME_SEPARATORS = re.compile(r"[;,\n\r]+")


_TONES = dict.fromkeys(map(ord, "\u0300\u0301\u0303\u0309\u0323"), None)


def title_key(text: str | None) -> str:
    """A title as a comparison key: folded, punctuation and extra spaces ignored, diacritics kept; the
    tone mark moved to the end of each word, so the old and new placements ("hoá", "hóa") are equal."""
    return " ".join(_tone_last(w) for w in _NOT_WORD.sub(" ", fold(text or "")).split())


def _tone_last(word: str) -> str:
    bare = unicodedata.normalize("NFD", word)
    tones = "".join(ch for ch in bare if ord(ch) in _TONES)
    return unicodedata.normalize("NFC", bare.translate(_TONES) + tones) if tones else word


def split_names(text: str | None) -> list[str]:
    """The names of an authors cell: separated by ";" (also "," and line breaks), blanks dropped."""
    return [name.strip() for name in _NAME_SEPARATORS.split(text or "") if name.strip()]


def entry_key(unit: str, title: str) -> str:
    """The stable key of a unit's initiative in the master (where the office types the council's result)."""
    return f"{unit}-{hashlib.sha1(title_key(title).encode('utf-8')).hexdigest()[:8]}"


def _basis(campaign: Campaign) -> str:
    registration, initiatives = campaign.deadline("registration"), campaign.deadline(FORM_ID)
    return (f"Kế hoạch phát động thi đua năm {campaign.info.year}: đăng ký thi đua trước "
            f"{format_date(registration) if registration else '31/01'}, đăng ký đề tài, sáng kiến với Hội đồng "
            f"Sáng kiến trước {format_date(initiatives) if initiatives else '28/02'}")


# --- the rows in use ---------------------------------------------------------------------------------
def rows_by_unit(context: Context) -> dict[str, list[Row]]:
    """Per unit, the valid rows of its initiative registration in use. Unlike ``Context.rows_in_use``
    (loaded once per run) this follows the ledger within a collect run, so a title sent by two units
    in the same run is caught on the second file."""
    if context.ledger is None:
        return {}
    subs = context.ledger.data_submission(FORM_ID)
    stamp = ",".join(f"{unit}={sub.id}" for unit, sub in sorted(subs.items()))
    form = get_form(FORM_ID)
    return context.once(f"initiatives.rows:{stamp}", lambda: {
        unit: [r for r in context.ledger.typed_rows(form, sub.id) if r.sheet == SHEET]
        for unit, sub in subs.items()})


# --- the checks ----------------------------------------------------------------------------------
def check(result: FileResult, form: Form, campaign: Campaign, context: Context) -> None:
    """The rules on one returned initiative registration; findings go to ``result``."""
    sheet = form.sheet(SHEET)
    unit = result.unit_code or ""
    _explain_lists(result, sheet, campaign)
    rows = [r for r in result.rows if r.sheet == SHEET and r.valid]
    if not rows:
        return
    basis = _basis(campaign)
    out: list[Finding] = []
    out += _authors(result, sheet, rows, context, unit, basis)
    out += _taken(result, sheet, rows, context, unit, basis)
    out += _start_dates(result, sheet, rows, campaign, form)
    for f in out:
        f.file = result.incoming.source
    result.findings.extend(out)


def _at(result: FileResult, sheet: TableSheet, row: Row, code: str, field_name: str, **ctx: Any) -> Finding:
    name, letter = placed(result, sheet, sheet.column(field_name))
    return finding(code, sheet=name, cell=f"{letter}{row.row}", field=field_name, unit=result.unit_code,
                   what=describe_row(sheet, row.values), **ctx)


def _explain_lists(result: FileResult, sheet: TableSheet, campaign: Campaign) -> None:
    """A value outside a campaign list: the cell finding says which values are allowed."""
    lists = {c.field: c for c in sheet.columns if c.list}
    for i, f in enumerate(result.findings):
        column = lists.get(f.field or "")
        if f.code != "cell.bad_choice" or column is None:
            continue
        allowed = resolve_choices(column, campaign) or []
        result.findings[i] = finding("initiative.not_in_list", sheet=f.sheet, cell=f.cell, field=f.field,
                                     value=f.value, file=f.file, unit=f.unit, label=column.label, list=column.list,
                                     allowed=", ".join(f"\"{v}\"" for v in allowed))


def _authors(result: FileResult, sheet: TableSheet, rows: list[Row], context: Context, unit: str, basis: str
             ) -> list[Finding]:
    people = context.registered_people(unit)
    if not people:
        return [finding("initiative.authors_unchecked", unit=unit, basis=basis)]
    out = []
    for row in rows:
        for field_name, role in (("authors", "tác giả"), ("co_authors", "đồng tác giả")):
            for name in split_names(row.values.get(field_name)):
                if person_key(name) not in people:
                    out.append(_at(result, sheet, row, "initiative.author_not_registered", field_name, value=name,
                                   role=role, basis=basis))
    return out


def _taken(result: FileResult, sheet: TableSheet, rows: list[Row], context: Context, unit: str, basis: str
           ) -> list[Finding]:
    """A title another unit has in use (the first unit keeps it; within a file ``unique`` applies)."""
    campaign = context.campaign
    others: dict[str, tuple[str, str]] = {}
    for other, theirs in rows_by_unit(context).items():
        if other == unit:
            continue
        for r in theirs:
            others.setdefault(title_key(r.values.get("title")), (other, r.values.get("title") or ""))
    out = []
    for row in rows:
        hit = others.get(title_key(row.values.get("title")))
        if hit is not None:
            owner = campaign.unit(hit[0])
            out.append(_at(result, sheet, row, "initiative.duplicate_title", "title", value=row.values.get("title"),
                           other_title=hit[1], other_unit=owner.name if owner else hit[0], basis=basis))
    return out


def _start_dates(result: FileResult, sheet: TableSheet, rows: list[Row], campaign: Campaign, form: Form
                 ) -> list[Finding]:
    year = (campaign.deadline(form.deadline) or date(campaign.info.year, 12, 31)).year
    earliest, latest = date(campaign.info.year - START_YEARS_BACK, 1, 1), date(year, 12, 31)
    out = []
    for row in rows:
        when = row.values.get("start_date")
        if isinstance(when, date) and not earliest <= when <= latest:
            out.append(_at(result, sheet, row, "initiative.start_date", "start_date", value=format_date(when),
                           earliest=format_date(earliest), latest=format_date(latest)))
    return out


# --- the initiatives in use, with the council's result -------------------------------------------------
COUNCIL_SCOPE = "initiatives.council"
MASTER_LABEL = "ĐK sáng kiến"  # the master's sheet names: "ĐK sáng kiến - Sáng kiến"
COUNCIL_SHEET = f"{MASTER_LABEL} - Hội đồng xét"
KEY_LABEL = "Mã sáng kiến"
RESULT_LABEL, DECISION_LABEL = "Kết quả Hội đồng Sáng kiến", "Số, ngày quyết định công nhận"
office_columns = [OfficeColumns(scope=COUNCIL_SCOPE, sheet=COUNCIL_SHEET, key_label=KEY_LABEL, columns=(
    OfficeColumn("result", RESULT_LABEL, "text"), OfficeColumn("decision", DECISION_LABEL, "text")),
    former=("Danh sách sáng kiến",))]


@dataclass
class Initiative:
    """One registered initiative in use, and what the Initiative Council decided on it."""

    unit: str
    title: str
    kind: str
    authors: list[str]
    co_authors: list[str]
    field: str
    scope: str
    scope_level: str  # the "Nhóm" of the scope in the campaign list: "Cơ sở", "Tỉnh, bộ", "Toàn quốc"
    recognised: bool | None  # the council's result: None while it has not decided
    decision: str  # the number and date of the recognition decision, as the office typed it
    row: Row
    result: str = ""  # the council's result as typed
    effect: str = ""
    start_date: date | None = None
    key: str = ""  # where the office's entries are kept (``entry_key``)

    @property
    def people(self) -> set[str]:
        return {person_key(n) for n in self.authors + self.co_authors}

    def has_author(self, full_name: str) -> bool:
        return person_key(full_name) in self.people


def recognised(result: str | None) -> bool | None:
    """The council's result typed by the office: "Công nhận" -> True, "Không công nhận" -> False."""
    text = " ".join(_NOT_WORD.sub(" ", fold(result or "")).split())
    if "công nhận" not in text or text.startswith("chưa"):
        return None
    return not text.startswith("không")


def registered(context: Context) -> list[Initiative]:
    """Every initiative of the units' registrations in use (campaign order of units, then rows)."""
    def load() -> list[Initiative]:
        campaign = context.campaign
        entries = office.entries(context.ledger, COUNCIL_SCOPE) if context.ledger is not None else {}
        by_unit = rows_by_unit(context)
        order = {u.code: i for i, u in enumerate(campaign.units)}
        out = []
        for unit in sorted(by_unit, key=lambda u: (order.get(u, len(order)), u)):
            for row in by_unit[unit]:
                v = row.values
                key = entry_key(unit, v.get("title") or "")
                entry = entries.get(key, {})
                out.append(Initiative(
                    unit=unit, title=v.get("title") or "", kind=v.get("kind") or "",
                    authors=split_names(v.get("authors")), co_authors=split_names(v.get("co_authors")),
                    field=v.get("field") or "", scope=v.get("scope") or "",
                    scope_level=campaign.list_group(SCOPE_LIST, v.get("scope") or ""),
                    recognised=recognised(entry.get("result")), decision=entry.get("decision") or "", row=row,
                    result=entry.get("result") or "", effect=v.get("effect") or "",
                    start_date=v.get("start_date"), key=key))
        return out
    subs = context.ledger.data_submission(FORM_ID) if context.ledger is not None else {}
    return context.once("initiatives.registered:" + ",".join(str(s.id) for s in subs.values()), load)


MIN_CONTAINED = 8  # a shorter text is not matched by containment (e.g. "x" is in every title)


def match(initiatives: list[Initiative], text: str | None, full_name: str | None = None) -> Initiative | None:
    """The initiative a proposal names (free text: a title, often with its decision number): folded
    titles equal, or one contained in the other. Among several, one the person wrote comes first."""
    wanted = title_key(text)
    if not wanted:
        return None
    found = []
    for item in initiatives:
        own = title_key(item.title)
        if not own:
            continue
        if own == wanted:
            found.append((0, item))
        elif (len(own) >= MIN_CONTAINED and own in wanted) or (len(wanted) >= MIN_CONTAINED and wanted in own):
            found.append((1, item))
    if not found:
        return None
    mine = bool(full_name)
    found.sort(key=lambda x: (not (mine and x[1].has_author(full_name or "")), x[0], -len(x[1].title)))
    return found[0][1]


# --- the master: the Initiative Council's list --------------------------------------------------------
COLUMNS = [("STT", 6), ("Tên đề tài, sáng kiến", 36), ("Loại", 10), ("Tác giả", 24), ("Đồng tác giả", 24),
           ("Đơn vị", 28), ("Phạm vi áp dụng", 13), ("Cấp ảnh hưởng", 11), ("Hiệu quả dự kiến", 40),
           ("Ngày bắt đầu áp dụng", 12), ("Lưu ý của Văn phòng", 32), (RESULT_LABEL, 16), (DECISION_LABEL, 24),
           (KEY_LABEL, 13)]
RESULT_COL = 11


def master(m, context: Context) -> None:
    """The Initiative Council's list: every initiative in use, grouped by field (list order), with
    the duplicates across units flagged and yellow cells for the council's result."""
    if context.ledger is None or not context.ledger.submissions(form=FORM_ID):
        return
    items = registered(context)
    campaign = context.campaign
    ws = m.sheet(COUNCIL_SHEET)
    m.frame(ws, f"DANH SÁCH ĐỀ TÀI, SÁNG KIẾN ĐĂNG KÝ NĂM {m.year}",
            f"Văn phòng nhập \"{RESULT_LABEL}\" ({RECOGNISED} / {NOT_RECOGNISED}) và \"{DECISION_LABEL}\" (ô nền "
            "vàng) rồi chạy lại sheets-tools consolidate. Không sửa cột \"Mã sáng kiến\". " + m.stamp(),
            [w for _, w in COLUMNS], 2)
    m.header(ws, [label for label, _ in COLUMNS])
    notes = _notes(items, context)
    r = m.header_row
    first = r + 1
    for group, members in _by_field(items, campaign):
        r += 1
        m.merge(ws, r, 0, len(COLUMNS) - 1, f"Lĩnh vực: {group} ({len(members)})", "bold_wrap")
        for n, item in enumerate(members, start=1):
            r += 1
            unit = campaign.unit(item.unit)
            values = [n, item.title, item.kind, "; ".join(item.authors), "; ".join(item.co_authors),
                      unit.name if unit else item.unit, item.scope, item.scope_level, item.effect, item.start_date]
            for c, value in enumerate(values):
                m.put(ws, r, c, value, "wrap" if c in (1, 3, 4, 5, 6, 8) else "cell")
            m.put(ws, r, 10, notes.get(item.key, ""), "bad" if notes.get(item.key) else "wrap")
            m.put(ws, r, RESULT_COL, item.result, "input_text")
            m.put(ws, r, RESULT_COL + 1, item.decision, "input_text")
            m.put(ws, r, RESULT_COL + 2, item.key)
    if r >= first:
        ws.data_validation(first, RESULT_COL, r, RESULT_COL, {
            "validate": "list", "source": [RECOGNISED, NOT_RECOGNISED], "error_type": "warning",
            "error_message": f"Hãy chọn \"{RECOGNISED}\" hoặc \"{NOT_RECOGNISED}\"."})
    done = sum(1 for i in items if i.recognised is not None)
    m.note(ws, r + 2, f"Tổng số đề tài, sáng kiến: {len(items)}; được công nhận: "
                      f"{sum(1 for i in items if i.recognised)}; chưa có kết quả: {len(items) - done}.")


def _by_field(items: list[Initiative], campaign: Campaign) -> list[tuple[str, list[Initiative]]]:
    """The initiatives per field, fields in the campaign list's order (then any other)."""
    column = get_form(FORM_ID).sheet(SHEET).column("field")
    order = [fold(v) for v in resolve_choices(column, campaign) or []]
    groups: dict[str, list[Initiative]] = {}
    for item in items:
        groups.setdefault(item.field or "(chưa ghi lĩnh vực)", []).append(item)
    rank = {k: order.index(fold(k)) if fold(k) in order else len(order) for k in groups}
    return sorted(groups.items(), key=lambda kv: rank[kv[0]])


def _notes(items: list[Initiative], context: Context) -> dict[str, str]:
    """What the council should know of each initiative: the same title in another unit, authors not
    in the unit's January registration."""
    campaign = context.campaign
    by_title: dict[str, list[Initiative]] = {}
    for item in items:
        by_title.setdefault(title_key(item.title), []).append(item)
    out: dict[str, str] = {}
    for item in items:
        lines = []
        others = [o for o in by_title[title_key(item.title)] if o.unit != item.unit]
        if others:
            names = ", ".join(dict.fromkeys((campaign.unit(o.unit).name if campaign.unit(o.unit) else o.unit)
                                            for o in others))
            lines.append(f"Trùng tên với đề tài, sáng kiến của {names}.")
        people = context.registered_people(item.unit)
        missing = [n for n in item.authors + item.co_authors if person_key(n) not in people]
        if people and missing:
            lines.append("Chưa có trong bản đăng ký thi đua của đơn vị: " + "; ".join(missing) + ".")
        if lines:
            out[item.key] = "\n".join(lines)
    return out
