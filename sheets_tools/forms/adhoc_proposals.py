"""The ad-hoc and thematic commendation proposal's own rules (khen thưởng đột xuất, theo chuyên đề).

Any day of the year a unit proposes a person or a collective of its own for a form of commendation
(Giấy khen, Bằng khen) for one achievement. The declaration (``adhoc_proposals.toml``) checks each
cell, that the form exists in the catalogue for that kind of subject and that a row is not typed twice;
these rules add what needs the campaign and the ledger:

- the achievement's date falls in the campaign's year;
- the person or collective belongs to the proposing unit (the unit typed as theirs, and for a person,
  January's registration of another unit);
- no second award for the same achievement: against the award history (the same form received on or
  after the achievement's date, in its year) and against the year's other ad-hoc lines of other units.

Its lines reach the council (where the catalogue gives the form a vote share) and the decision lists
through ``proposal_lines`` (``yearend.lines``), checked again whenever the master is written.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from difflib import SequenceMatcher
from typing import Any, Callable

from sheets_tools.campaign.model import LAW, Campaign, Unit
from sheets_tools.core.findings import ERROR, Code, Finding, finding
from sheets_tools.core.records import FileResult, Row
from sheets_tools.core.text import fold, person_key as name_key
from sheets_tools.core.values import format_date
from sheets_tools.formkit.declaration import Form, TableSheet, get_form
from sheets_tools.formkit.plugins import Context
from sheets_tools.formkit.rows import describe_row, placed
from sheets_tools.forms.proposal_once import awarded_before
from sheets_tools.store.history import History, collective_key, person_key
from sheets_tools.yearend.lines import Line, Proposal, check_sheet, override_columns, read_lines

FORM_ID = __name__.rpartition(".")[2]
ONE_AWARD = f"nguyên tắc khen thưởng, Điều 5 {LAW}"
SAME_TEXT = 0.9  # two achievements whose folded texts are this similar are the same achievement
SAME_UNIT = 0.75  # "đơn vị công tác" this similar to a unit's name names that unit
MASTER_LABEL = "KT đột xuất"  # the master's sheet names: "KT đột xuất - Cá nhân"
CHECK_SHEET = f"{MASTER_LABEL} - Kiểm tra hồ sơ"
office_columns = [replace(override_columns(FORM_ID, CHECK_SHEET), former=("Kiểm tra khen thưởng đột xuất",))]

CODES = {
    "adhoc.date_outside_year": Code(
        ERROR, "{what}: ngày lập thành tích {value} không thuộc năm {year} của đợt thi đua. Hãy kiểm tra lại ngày; "
        "thành tích của năm khác được đề nghị trong đợt thi đua của năm đó."),
    "adhoc.other_unit": Code(
        ERROR, "{what}: \"{label}\" ghi \"{value}\"; {reason}. Đơn vị chỉ đề nghị khen thưởng cho cá nhân, tập thể "
        "thuộc đơn vị mình ({own_unit}); hãy ghi đúng tên đơn vị, hoặc để {owner} đề nghị."),
    "adhoc.same_achievement": Code(
        ERROR, "{what}: thành tích \"{value}\" đã được {other} đề nghị khen thưởng trong năm. Một thành tích chỉ được "
        "khen thưởng một lần (Căn cứ: {basis}); hãy bỏ dòng này, hoặc ghi rõ nếu đây là thành tích khác."),
    "adhoc.awarded_before": Code(
        ERROR, "{what} đã được tặng \"{award}\" năm {year}{decision}, sau ngày lập thành tích {date}. Một thành tích "
        "chỉ được khen thưởng một lần (Căn cứ: {basis}); hãy bỏ dòng này, hoặc ghi rõ thành tích khác và ngày lập "
        "thành tích đó."),
}

Locate = Callable[[TableSheet, Row, str], tuple[str, str]]


def check(result: FileResult, form: Form, campaign: Campaign, context: Context) -> None:
    """The rules on one returned file, against what the other units sent before it."""
    unit = result.unit_code or ""

    def locate(sheet: TableSheet, row: Row, field: str) -> tuple[str, str]:
        name, letter = placed(result, sheet, sheet.column(field))
        return name, f"{letter}{row.row}"

    others = {code: rows for code, rows in context.rows_in_use(FORM_ID).items() if code != unit}
    for f in _findings(unit, [r for r in result.rows if r.valid], others, context, locate):
        f.file = result.incoming.source
        result.findings.append(f)


def row_findings(unit: str, rows: list[Row], context: Context) -> list[Finding]:
    """The rules on a unit's recorded rows, against the units whose submission came in before its own."""
    subs = context.ledger.data_submission(FORM_ID) if context.ledger is not None else {}
    mine = context.ledger.current(FORM_ID).get(unit) if context.ledger is not None else None  # the rows checked
    before = {code for code, sub in subs.items()
              if code != unit and (mine is None or (sub.received_at, sub.id) < (mine.received_at, mine.id))}
    others = {code: rows for code, rows in context.rows_in_use(FORM_ID).items() if code in before}
    # an award recorded after the file came in may be this very line's (its decision): not a second one
    return _findings(unit, rows, others, context, _template_cell, known_at=mine.collected_at if mine else None)


def proposals(unit: str, rows: list[Row], context: Context) -> list[Proposal]:
    """One line per row: the form of commendation proposed for its person or collective."""
    out = []
    for row in rows:
        v = row.values
        item = context.campaign.catalogue_item(v.get("award_form") or "")
        if item is None:
            continue
        if row.sheet == "collectives":
            who: dict[str, Any] = dict(subject="collective", name=v.get("collective_name") or "")
        else:
            who = dict(subject="individual", name=_full_name(v), family_name=v.get("family_name") or "",
                       given_name=v.get("given_name") or "", birth_date=v.get("birth_date"),
                       position=v.get("position") or "")
        out.append(Proposal(FORM_ID, unit, row.sheet, row, item, **who))
    return out


def proposal_lines(context: Context) -> list[Line]:
    """Every unit's ad-hoc lines (its latest file), each with the rules' findings of today."""
    return read_lines(context, FORM_ID, row_findings, proposals)


def master(m, context: Context) -> None:
    """The master's check sheet of the ad-hoc proposals, with the achievement of each line."""
    check_sheet(m, context, FORM_ID, name=CHECK_SHEET,
                extra=("Thành tích", 50, lambda line: line.proposal.row.values.get("achievement") or ""))


# --- the rules ----------------------------------------------------------------------------------------
def _findings(unit: str, rows: list[Row], others: dict[str, list[Row]], context: Context, locate: Locate,
              known_at: datetime | None = None) -> list[Finding]:
    form, campaign = get_form(FORM_ID), context.campaign
    own = campaign.unit(unit)
    history = context.once("history", lambda: History(context.ledger)) if context.ledger is not None else None
    taken: dict[tuple, list[tuple[str, str]]] = {}  # subject -> (achievement, unit) of the other units' lines
    for code, their in others.items():
        for r in their:
            taken.setdefault(_subject_key(r), []).append((_words(r.values.get("achievement") or ""), code))
    registered_elsewhere = _registered_elsewhere(unit, context)
    out: list[Finding] = []
    for row in rows:
        sheet = form.sheet(row.sheet)
        v = row.values
        what = describe_row(sheet, v)

        def hit(code: str, field: str, **ctx: Any) -> Finding:
            name, cell = locate(sheet, row, field)
            return finding(code, sheet=name, cell=cell, field=field, value=ctx.pop("value", v.get(field)), unit=unit,
                           what=what, **ctx)

        day = v.get("achievement_date")
        if day is not None and day.year != campaign.info.year:
            out.append(hit("adhoc.date_outside_year", "achievement_date", value=format_date(day),
                           year=campaign.info.year))
        if own is not None:
            out += _belongs(own, sheet, v, campaign, registered_elsewhere, hit)
        text = _words(v.get("achievement") or "")
        same = next((code for achieved, code in taken.get(_subject_key(row), [])
                     if SequenceMatcher(None, text, achieved).ratio() >= SAME_TEXT), None)
        if same is not None:
            other = campaign.unit(same)
            out.append(hit("adhoc.same_achievement", "achievement", basis=ONE_AWARD,
                           other=other.name if other else same))
        if history is not None and own is not None:
            out += _awarded_before(own, row, campaign, history, hit, known_at)
    return out


def _belongs(own: Unit, sheet: TableSheet, v: dict, campaign: Campaign, elsewhere: dict[tuple, str], hit
             ) -> list[Finding]:
    """The person or collective is the proposing unit's: by the unit typed, and by January's registration."""
    typed = v.get("work_unit") or ""
    label = sheet.column("work_unit").label
    if not _names_unit(typed, own):
        best = max((u for u in campaign.units if u.code != own.code), key=lambda u: _likeness(typed, u.name),
                   default=None)
        if best is not None and _likeness(typed, best.name) >= SAME_UNIT:
            return [hit("adhoc.other_unit", "work_unit", label=label, own_unit=own.name, owner=best.name,
                        reason=f"đó là {best.name}, không phải đơn vị đề nghị")]
        return [hit("adhoc.other_unit", "work_unit", label=label, own_unit=own.name, owner="đơn vị quản lý",
                    reason="không phải tên đơn vị đề nghị")]
    if sheet.key == "individuals" and (code := elsewhere.get(_person(v))):
        other = campaign.unit(code)
        owner = other.name if other else code
        return [hit("adhoc.other_unit", "work_unit", label=label, own_unit=own.name, owner=owner,
                    reason=f"nhưng người này có tên trong bản đăng ký thi đua của {owner}, không phải của đơn vị đề nghị")]
    return []


def _awarded_before(own: Unit, row: Row, campaign: Campaign, history: History, hit, known_at: datetime | None
                    ) -> list[Finding]:
    """The same form already received for this achievement: in its year, decided on or after its date, and
    recorded before ``known_at`` (when the file was collected; None: now)."""
    v = row.values
    item, day = campaign.catalogue_item(v.get("award_form") or ""), v.get("achievement_date")
    if item is None or day is None:
        return []
    key = (collective_key(v.get("collective_name") or "", own.name) if row.sheet == "collectives"
           else person_key(v.get("family_name") or "", v.get("given_name") or "", v.get("birth_date")))
    past = awarded_before(history, key, item, day.year, known_at, since=day)
    if past is None:
        return []
    decision = f" (quyết định số {past.decision_number})" if past.decision_number else ""
    return [hit("adhoc.awarded_before", "award_form", award=item.name, year=past.year, decision=decision,
                date=format_date(day), basis=ONE_AWARD)]


def _registered_elsewhere(unit: str, context: Context) -> dict[tuple, str]:
    """People (name and birth date) registered in January by another unit and not by ``unit``: -> that unit."""
    def load() -> dict[tuple, set[str]]:
        out: dict[tuple, set[str]] = {}
        for code, rows in context.rows_in_use("registration").items():
            for r in rows:
                if r.sheet == "individuals":
                    out.setdefault(_person(r.values), set()).add(code)
        return out
    by_name = context.once("adhoc.registered", load)
    return {k: sorted(codes)[0] for k, codes in by_name.items() if unit not in codes}


def _subject_key(row: Row) -> tuple:
    """Who a line is for, across units: a collective by its name, a person by name and birth date."""
    return ("tt", _words(row.values.get("collective_name") or "")) if row.sheet == "collectives" \
        else ("cn",) + _person(row.values)


def _person(v: dict) -> tuple[str, str]:
    birth = v.get("birth_date")
    return name_key(_full_name(v)), birth.isoformat() if hasattr(birth, "isoformat") else str(birth or "")


def _names_unit(typed: str, unit: Unit) -> bool:
    text = _words(typed)
    name = _words(unit.name)
    return bool(text) and (text == fold(unit.code) or name in text or _likeness(typed, unit.name) >= SAME_UNIT)


def _likeness(a: str, b: str) -> float:
    return SequenceMatcher(None, _words(a), _words(b)).ratio()


def _words(text: str) -> str:
    return " ".join("".join(ch if ch.isalnum() else " " for ch in fold(text)).split())


def _full_name(v: dict) -> str:
    return f"{v.get('family_name') or ''} {v.get('given_name') or ''}".strip()


def _template_cell(sheet: TableSheet, row: Row, field: str) -> tuple[str, str]:
    return sheet.name, f"{sheet.column(field).letter}{row.row}"
