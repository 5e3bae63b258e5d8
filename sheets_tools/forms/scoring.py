"""The scoring form's own rules (domain.md §4): the criteria rows of the unit's block, and the checks.

Scores are typed on leaf criteria only; parents and the total are formulas in the template, but
the tool recomputes them from the leaves (a formula's saved value may be missing or stale) and
says so when the workbook's own figure differs.
"""
from __future__ import annotations

from typing import Any

from sheets_tools.campaign.model import Campaign, Unit
from sheets_tools.master.office import OfficeColumn, OfficeColumns, Range
from sheets_tools.yearend.ranking import CHECKED_SCOPE, Rank, rankings, tie_groups
from sheets_tools.yearend.ties import BASIS, RULE_STILL, RULE_WOMEN, women_unit
from sheets_tools.campaign.criteria import EPS, TOTAL_CODE, Criterion, Table, Totals, number_text
from sheets_tools.core.findings import ERROR, WARNING, Code, finding
from sheets_tools.formkit.declaration import FIRST_ROW, Form, TableSheet, get_form
from sheets_tools.core.values import is_empty
from sheets_tools.core.records import FileResult, Row
from sheets_tools.core.text import normalize
from sheets_tools.formkit.rows import finding_at, placed
from sheets_tools.formkit.plugins import Context, Formula, rows_by_code
from sheets_tools.excel.style import FONT

FORM_ID = __name__.rpartition(".")[2]  # this module's declaration, scoring.toml (role "unit_scores")
SHEET = "scores"
FORMULA_CODES = ("cell.formula", "cell.formula_no_value")

# the findings of this form's checks (domain.md §4), registered with findings.CATALOGUE
CODES = {
    "score.no_criteria": Code(
        ERROR, "Khối thi đua của đơn vị (\"{value}\") chưa có bảng tiêu chí chấm điểm nên chưa chấm được. "
        "Hãy liên hệ Văn phòng."),
    "score.criterion_missing": Code(
        ERROR, "Thiếu dòng tiêu chí {value} (\"{what}\"). Không xóa dòng của bảng tiêu chí; hãy dùng biểu mẫu gốc."),
    "score.unknown_criterion": Code(
        WARNING, "Dòng có mã tiêu chí \"{value}\" không có trong bảng tiêu chí của khối; dòng này không được tính điểm."),
    "score.duplicate_criterion": Code(
        ERROR, "Tiêu chí {value} xuất hiện nhiều lần (đã có ở dòng {other_row}). Hãy xóa dòng trùng."),
    "score.missing": Code(ERROR, "Tiêu chí {value}: chưa nhập điểm tự chấm. Nhập điểm (nhập 0 nếu không đạt)."),
    "score.above_standard": Code(
        ERROR, "Tiêu chí {crit}: điểm tự chấm {value} cao hơn điểm chuẩn {standard}. Điểm không được vượt điểm chuẩn."),
    "score.not_allowed": Code(
        ERROR, "Tiêu chí {crit}: điểm {value} không phải một mức điểm của tiêu chí này. Chỉ chấm một trong các "
        "mức: {allowed}."),
    "score.note_missing": Code(
        ERROR, "Tiêu chí {crit}: điểm {value} thấp hơn điểm chuẩn {standard} nhưng chưa ghi lý do. Hãy ghi lý do "
        "vào cột \"{label}\"."),
    "score.evidence_missing": Code(
        ERROR, "Tiêu chí {crit}: tiêu chí này cần tài liệu minh chứng. Hãy ghi tên, số, ngày văn bản minh chứng "
        "vào cột \"{label}\"."),
    "score.parent_sum": Code(
        ERROR, "Mục {crit}: điểm ghi {value} khác tổng điểm các tiêu chí con ({expected}). Điểm của mục lớn phải "
        "bằng tổng các tiêu chí con; hãy sửa điểm các tiêu chí con, không ghi đè ô tổng."),
    "score.total_differs": Code(
        WARNING, "{what}: tổng điểm trên tệp là {value}, công cụ tính lại từ các tiêu chí được {expected}; "
        "đã dùng {expected}. Hãy kiểm tra lại công thức (có thể tệp chưa được tính lại)."),
    "score.cap_applied": Code(
        WARNING, "Mục {crit}: tổng các tiêu chí con là {value}, vượt mức tối đa {standard}; chỉ tính {standard} điểm."),
}


# --- the rows of the form ------------------------------------------------------------------------
def prefill(sheet: TableSheet, context: Context, unit: Unit | None) -> list[dict]:
    """The criteria of the unit's block, parents with their sums, then the total row."""
    table = context.campaign.criteria_of(unit) if unit else None
    if table is None:
        return []
    at = {c.code: FIRST_ROW + i for i, c in enumerate(table.items)}
    score, standard = sheet.column("score").letter, sheet.column("standard").letter
    rows = []
    for c in table.items:
        row: dict[str, Any] = {"_label": c.label, "code": c.code, "criterion": _shown_name(c),
                               "standard": c.standard, "scale": _scale(c)}
        kids = table.children.get(c.code)
        if kids:
            total = "SUM(" + ",".join(f"{score}{at[k.code]}" for k in kids) + ")"
            if c.kind != "score":  # a bonus or penalty group counts up to its cap
                total = f"MIN({standard}{at[c.code]},{total})"
            row.update(score=Formula("=" + total), _locked=True, _bold=True)
        elif c.level == 1:
            row["_bold"] = True
        rows.append(row)
    tops = table.children.get(None, [])
    terms = "+".join(f"{score}{at[t.code]}" for t in tops if t.kind != "penalty") or "0"
    minus = "".join(f"-{score}{at[t.code]}" for t in tops if t.kind == "penalty")
    rows.append({"_label": "", "code": TOTAL_CODE, "criterion": "Tổng điểm (các phần chấm điểm + điểm thưởng - điểm trừ)",
                 "standard": table.standard_total, "score": Formula(f"={terms}{minus}"), "_locked": True,
                 "_bold": True})
    return rows


def _shown_name(c: Criterion) -> str:
    return {"bonus": f"{c.name} (điểm thưởng)", "penalty": f"{c.name} (điểm trừ)"}.get(c.kind, c.name) \
        if c.level > 1 else c.name


def _scale(c: Criterion) -> str:
    parts = [c.scale] if c.scale else []
    if c.values and not c.scale:
        parts.append("Chỉ chấm một trong các mức: " + "; ".join(number_text(v) for v in c.values))
    if c.kind != "score":
        parts.append(f"Tối đa {number_text(c.standard)} điểm")
    if c.evidence:
        parts.append("Cần tài liệu minh chứng")
    return ". ".join(parts)


# --- the checks ----------------------------------------------------------------------------------
def check(result: FileResult, form: Form, campaign: Campaign, context: Context) -> None:
    """Every rule of domain.md §4 on one returned scoring form; findings go to ``result``."""
    unit = campaign.unit(result.unit_code or "")
    sheet = form.sheet(SHEET)
    table = campaign.criteria_of(unit) if unit else None
    if table is None:
        _drop_formula_findings(result, sheet)  # nothing is scored: the template's sums are not the unit's doing
        result.findings.append(finding("score.no_criteria", value=unit.block if unit else "", file=result.incoming.source,
                                       unit=result.unit_code))
        return
    rows = rows_by_code(result, sheet, {*table.by_code, TOTAL_CODE}, "score.duplicate_criterion",
                        "score.unknown_criterion")
    formulas = _formula_cells(result, sheet, rows, table)
    scores = {code: _number(row.values.get("score")) for code, row in rows.items()
              if code in table.by_code and table.is_leaf(code) and row.valid}
    for c in table.items:
        row = rows.get(c.code)
        if row is None:
            result.findings.append(finding_at(result, sheet, None, "score.criterion_missing", "code", value=c.code,
                                       what=c.name))
        elif table.is_leaf(c.code) and row.valid:
            _check_leaf(result, sheet, c, row)
    totals = table.totals({k: v for k, v in scores.items() if v is not None})
    _check_sums(result, sheet, table, rows, totals, formulas)


def _formula_cells(result: FileResult, sheet: TableSheet, rows: dict[str, Row], table: Table) -> set[int]:
    """Rows whose score cell holds a formula. On parent and total rows that is the template's own
    design, so intake's formula findings there are dropped (the sums are checked below)."""
    name, letter = placed(result, sheet, sheet.column("score"))
    computed = {row.row for code, row in rows.items() if code == TOTAL_CODE or not table.is_leaf(code)}
    seen, kept = set(), []
    for f in result.findings:
        number = _row_of(f.cell, letter) if f.code in FORMULA_CODES and f.sheet == name else None
        if number is not None:
            seen.add(number)
            if number in computed:
                continue
        kept.append(f)
    result.findings[:] = kept
    return seen


def _drop_formula_findings(result: FileResult, sheet: TableSheet) -> None:
    """Intake's formula findings in the score column, dropped when the file cannot be scored at all."""
    name, letter = placed(result, sheet, sheet.column("score"))
    result.findings[:] = [f for f in result.findings if not (
        f.code in FORMULA_CODES and f.sheet == name and _row_of(f.cell, letter) is not None)]


def _row_of(cell: str | None, letter: str) -> int | None:
    if cell and cell.startswith(letter) and cell[len(letter):].isdigit():
        return int(cell[len(letter):])
    return None


def _check_leaf(result: FileResult, sheet: TableSheet, c: Criterion, row: Row) -> None:
    value = _number(row.values.get("score"))
    if value is None:
        if c.kind == "score":
            result.findings.append(finding_at(result, sheet, row, "score.missing", "score", value=c.code))
        return
    shown = dict(crit=c.code, standard=number_text(c.standard))
    if value > c.standard + EPS:
        result.findings.append(finding_at(result, sheet, row, "score.above_standard", "score", value=number_text(value),
                                   **shown))
        return
    if c.values and not any(abs(value - v) <= EPS for v in c.values):
        result.findings.append(finding_at(result, sheet, row, "score.not_allowed", "score", value=number_text(value),
                                   allowed="; ".join(number_text(v) for v in c.values), **shown))
    if c.kind == "score" and value < c.standard - EPS and is_empty(row.values.get("note")):
        result.findings.append(finding_at(result, sheet, row, "score.note_missing", "note", value=number_text(value),
                                   label=sheet.column("note").label, **shown))
    if c.evidence and value > EPS and is_empty(row.values.get("evidence")):
        result.findings.append(finding_at(result, sheet, row, "score.evidence_missing", "evidence", value=None,
                                   label=sheet.column("evidence").label, **shown))


def _check_sums(result: FileResult, sheet: TableSheet, table: Table, rows: dict[str, Row], totals: Totals,
                formulas: set[int]) -> None:
    for code, uncapped in totals.capped.items():
        c = table.by_code[code]
        row = rows.get(code)
        result.findings.append(finding_at(result, sheet, row, "score.cap_applied", "score", value=number_text(uncapped),
                                   crit=code, standard=number_text(c.standard)))
    for code, row in rows.items():
        if code != TOTAL_CODE and table.is_leaf(code):
            continue
        expected = totals.total if code == TOTAL_CODE else totals.points[code]
        found = _number(row.values.get("score")) if row.valid else None
        if found is None or abs(found - expected) <= 0.005:
            continue
        if row.row in formulas:
            what = "Tổng điểm" if code == TOTAL_CODE else f"Mục {code}"
            result.findings.append(finding_at(result, sheet, row, "score.total_differs", "score", value=number_text(found),
                                       expected=number_text(expected), what=what))
        else:
            result.findings.append(finding_at(result, sheet, row, "score.parent_sum", "score", value=number_text(found),
                                       expected=number_text(expected), crit=code))


def _number(value: Any) -> float | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return None


# --- totals of every unit (for the master) -------------------------------------------------------
def unit_totals(context: Context) -> dict[str, Totals]:
    """Each unit's points, computed from its latest accepted scoring form."""
    def load() -> dict[str, Totals]:
        out: dict[str, Totals] = {}
        if context.ledger is None:
            return out
        form = get_form(FORM_ID)
        for code, sub in context.ledger.data_submission(FORM_ID).items():
            unit = context.campaign.unit(code)
            table = context.campaign.criteria_of(unit) if unit else None
            if table is None:
                continue
            scores = {}
            for row in context.ledger.typed_rows(form, sub.id):
                key = normalize(str(row.values.get("code") or ""))
                if key in table.by_code and table.is_leaf(key):
                    scores[key] = _number(row.values.get("score")) or 0.0
            out[code] = table.totals(scores)
        return out
    return context.once("scoring.totals", load)


# --- the master: the office's check, and the ranking of each block --------------------------------
MASTER_LABEL = "Chấm điểm"  # the master's sheet names: "Chấm điểm - Tự chấm điểm"
CHECK_SHEET = f"{MASTER_LABEL} - Thẩm định điểm"


def checked_range(campaign: Campaign, unit_code: str) -> Range | None:
    """What a checked score may be: 0 to the unit's block standard plus its bonus cap (None: the unit or
    its criteria are not known, nothing to check against)."""
    unit = campaign.unit(unit_code)
    table = campaign.criteria_of(unit) if unit else None
    if table is None:
        return None
    bonus = sum(c.standard for c in table.children.get(None, []) if c.kind == "bonus")
    return Range(0.0, table.standard_total + bonus, f"điểm chuẩn của khối {number_text(table.standard_total)} "
                 f"cộng điểm thưởng tối đa {number_text(bonus)}")


office_columns = [OfficeColumns(scope=CHECKED_SCOPE, sheet=CHECK_SHEET, key_label="Mã đơn vị", columns=(
    OfficeColumn("checked", "Điểm thẩm định", "number", bounds=checked_range),
    OfficeColumn("remark", "Ý kiến thẩm định", "text")), former=("Thẩm định điểm",))]


def ranking_sheet(n: int) -> str:
    """The master's ranking sheet of the ``n``-th block (1-based)."""
    return f"{MASTER_LABEL} - Xếp hạng khối {n}"


def ranking_key(unit: str) -> str:
    """The row key of a unit on its block's ranking sheet (the office's note stays with the unit)."""
    return f"ranking|{unit}"


def master(m, context: Context) -> None:
    """The sheet where the office enters checked scores, then one ranking sheet (with a chart) per block."""
    if context.ledger is None or not context.ledger.submissions(form=FORM_ID):  # before ranking: it reads
        return  # every person the units registered
    ranked = rankings(context)
    if not ranked:
        return
    _check_sheet(m, context, ranked)
    for n, (block, ranks) in enumerate(ranked.items(), start=1):
        _ranking_sheet(m, n, block, ranks, context)


def _check_sheet(m, context: Context, ranked: dict) -> None:
    totals = unit_totals(context)
    cols = [("Khối thi đua", 26), ("Mã đơn vị", 12), ("Tên đơn vị", 36), ("Điểm chuẩn", 9),
            ("Điểm các phần chấm", 11), ("Điểm thưởng", 9), ("Điểm trừ", 9), ("Tổng điểm tự chấm", 11),
            ("Điểm thẩm định", 11), ("Ý kiến thẩm định", 36)]
    ws = m.sheet(CHECK_SHEET)
    m.frame(ws, f"THẨM ĐỊNH ĐIỂM THI ĐUA NĂM {m.year}",
            "Văn phòng nhập \"Điểm thẩm định\" và \"Ý kiến thẩm định\" (ô nền vàng) rồi chạy lại "
            "sheets-tools consolidate; tổng điểm tự chấm do công cụ tính lại từ từng tiêu chí.", [w for _, w in cols], 3)
    m.header(ws, [label for label, _ in cols])
    r = m.header_row
    order = {u.code: i for i, u in enumerate(context.campaign.units)}
    for block, ranks in ranked.items():
        for rank in sorted(ranks, key=lambda x: order[x.unit]):
            r += 1
            own = totals.get(rank.unit)
            values = [block, rank.unit, rank.name, rank.standard, own.base if own else None,
                      own.bonus if own else None, own.penalty if own else None, rank.self_total]
            for c, value in enumerate(values):
                m.put(ws, r, c, value, "score" if c >= 3 else "wrap" if c != 1 else "cell")
            m.put(ws, r, 8, rank.checked, "input")
            m.put(ws, r, 9, rank.remark, "input_text")
    ws.autofilter(m.header_row, 0, max(r, m.header_row + 1), len(cols) - 1)


def _ranking_sheet(m, n: int, block: str, ranks: list, context: Context) -> None:
    cols = [("Hạng", 7), ("Mã đơn vị", 12), ("Tên đơn vị", 36), ("Điểm tự chấm", 10), ("Điểm thẩm định", 10),
            ("Điểm xếp hạng", 10), ("Nguồn điểm", 20), ("Tỷ lệ so với điểm chuẩn (%)", 11), ("Xếp loại", 12),
            ("Diễn giải", 24), *m.note_columns()]
    ws = m.sheet(ranking_sheet(n))
    m.frame(ws, f"XẾP HẠNG THI ĐUA NĂM {m.year}: {block.upper()}", m.stamp(), [w for _, w in cols], 3)
    m.header(ws, [label for label, _ in cols])
    r = m.header_row
    for rank in ranks:
        r += 1
        note = ("Đồng hạng" if rank.tied else f"Bằng điểm, xếp theo {RULE_WOMEN}" if rank.tie_rule == RULE_WOMEN
                else "Chưa có điểm" if rank.score is None else "")
        values = [rank.rank, rank.unit, rank.name, rank.self_total, rank.checked, rank.score, rank.source,
                  rank.percent, rank.band, note]
        for c, value in enumerate(values):
            m.put(ws, r, c, value, "score" if c in (3, 4, 5, 7) else "wrap" if c in (2, 6, 9) else "cell")
        m.office_note(ws, r, len(values), ranking_key(rank.unit))
    ties = tie_list(ranks, context)
    for i, line in enumerate(ties):
        m.note(ws, r + 2 + i, line)
    scored = [x for x in ranks if x.score is not None]
    if scored:
        chart = m.wb.add_chart({"type": "bar"})
        last = m.header_row + len(scored)
        name = ws.get_name().replace("'", "''")
        chart.add_series({"name": "Điểm xếp hạng", "categories": f"='{name}'!$C${m.header_row + 2}:$C${last + 1}",
                          "values": f"='{name}'!$F${m.header_row + 2}:$F${last + 1}", "data_labels": {"value": True}})
        chart.set_title({"name": f"Điểm xếp hạng - {block}", "name_font": {"name": FONT, "size": 12}})
        chart.set_y_axis({"reverse": True, "num_font": {"name": FONT}})
        chart.set_x_axis({"min": 0, "num_font": {"name": FONT}})
        chart.set_legend({"none": True})
        chart.set_size({"width": 720, "height": min(24 * len(scored) + 100, 560)})
        at = r + 3 + len(ties)
        ws.set_h_pagebreaks([at])  # the chart on a page of its own (a row under the break), not across one
        ws.insert_chart(at + 1, 0, chart)


def tie_list(ranks: list[Rank], context: Context) -> list[str]:
    """The block's list of ties: one line per group of equal score, saying which rule decided ("nữ từ 70%
    trở lên", Law Điều 5) or that the units stay tied ("vẫn đồng hạng": the council decides)."""
    out = []
    for group in tie_groups(ranks):
        units = ", ".join(f"{x.name} (hạng {x.rank})" for x in group)
        score = f"cùng {number_text(group[0].score)} điểm"
        first = [x for x in group if women_unit(context, x.unit)]
        rest = [x for x in group if x not in first]
        if not first or not rest:
            out.append(f"Đồng hạng: {units} ({score}): {RULE_STILL}, nguyên tắc ưu tiên đơn vị có {RULE_WOMEN} "
                       f"({BASIS}) không phân định được. Hội đồng xem xét thêm tiêu chí phụ để phân định.")
            continue
        line = (f"Bằng điểm: {units} ({score}): phân định theo nguyên tắc ưu tiên đơn vị có {RULE_WOMEN} "
                f"({BASIS}): {', '.join(x.name for x in first)} xếp trên {', '.join(x.name for x in rest)}.")
        for part in (first, rest):
            if len(part) > 1:
                line += (f" {', '.join(x.name for x in part)} {RULE_STILL}; Hội đồng xem xét thêm tiêu chí phụ "
                         "để phân định.")
        out.append(line)
    return out
