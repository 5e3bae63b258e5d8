"""The registration form's own rules: the targets a unit registers in January (sheet "targets", one row
per indicator of the unit, campaign.xlsx sheet "Chỉ tiêu"); the mid-year and year-end reports compare
results with them (forms/report_rules.py).

A January file without the sheet (issued before it existed), or whose table has no row at all, has
nothing to check: the Department's common targets apply to that unit.
"""
from __future__ import annotations

from sheets_tools.campaign.model import Campaign, Indicator, Unit
from sheets_tools.campaign.criteria import EPS, number_text
from sheets_tools.core.findings import ERROR, WARNING, Code
from sheets_tools.formkit.declaration import Form, TableSheet
from sheets_tools.core.records import FileResult, Row
from sheets_tools.core.text import fold
from sheets_tools.formkit.rows import finding_at
from sheets_tools.formkit.plugins import Context, rows_by_code
from sheets_tools.forms.report_targets import RULE_WORDS, amount, number

SHEET = "targets"
MASTER_LABEL = "ĐK thi đua"  # the master's sheet names: "ĐK thi đua - Cá nhân"

CODES = {
    "registration.indicator_missing": Code(
        WARNING, "Thiếu dòng chỉ tiêu {value} (\"{what}\"): coi như đơn vị chưa đăng ký chỉ tiêu này ({fallback}). "
        "Không xóa dòng của bảng chỉ tiêu; hãy dùng biểu mẫu gốc."),
    "registration.unknown_indicator": Code(
        WARNING, "Dòng có mã chỉ tiêu \"{value}\" không có trong các chỉ tiêu của đơn vị; dòng này không được ghi nhận."),
    "registration.duplicate_indicator": Code(
        ERROR, "Chỉ tiêu {value} xuất hiện nhiều lần (đã có ở dòng {other_row}). Hãy xóa dòng trùng."),
    "registration.target_missing": Code(
        WARNING, "Chỉ tiêu {ind} (\"{name}\"): đơn vị chưa đăng ký chỉ tiêu; khi sơ kết, tổng kết sẽ dùng chỉ tiêu "
        "chung của Sở ({common}). Nếu đơn vị có chỉ tiêu riêng, hãy nhập vào cột \"{label}\"."),
    "registration.target_no_common": Code(
        WARNING, "Chỉ tiêu {ind} (\"{name}\"): đơn vị chưa đăng ký chỉ tiêu và Sở không có chỉ tiêu chung, nên khi "
        "sơ kết, tổng kết không so sánh được kết quả với chỉ tiêu. Hãy nhập chỉ tiêu vào cột \"{label}\"."),
    "registration.target_percent": Code(
        ERROR, "Chỉ tiêu {ind} (\"{name}\") là tỷ lệ phần trăm nhưng chỉ tiêu đăng ký là {value}, lớn hơn 100. "
        "Hãy nhập số phần trăm từ 0 đến 100."),
    "registration.prefilled_changed": Code(
        WARNING, "Chỉ tiêu {ind}: ô \"{label}\" ghi {value}, khác nội dung hiện hành của Sở ({expected}); Văn phòng "
        "ghi nhận và tổng hợp theo nội dung hiện hành của Sở. Nếu Sở đã điều chỉnh sau khi gửi biểu mẫu, đơn vị không "
        "cần làm gì; các cột ghi sẵn của biểu mẫu không cần sửa."),
    "registration.target_weaker": Code(
        WARNING, "Chỉ tiêu {ind} (\"{name}\"): chỉ tiêu đơn vị đăng ký ({value}) {weaker} chỉ tiêu chung của Sở "
        "({common}; chỉ tiêu này đạt khi kết quả {rule}). Hãy xem lại; nếu giữ mức này, ghi lý do vào cột "
        "\"{label}\"."),
}


def prefill(sheet: TableSheet, context: Context, unit: Unit | None) -> list[dict]:
    """The unit's indicators with the Department's common target; the unit types its own."""
    if unit is None:
        return []
    return [_issued(i) for i in context.campaign.indicators_of(unit)]


def _issued(indicator: Indicator) -> dict:
    """The cells of an indicator's row the office writes (locked in the unit's form)."""
    return {"code": indicator.code, "name": indicator.name, "measure": indicator.measure,
            "rule": RULE_WORDS.get(indicator.direction, ""), "common": indicator.target}


def check(result: FileResult, form: Form, campaign: Campaign, context: Context) -> None:
    """The targets of one returned registration (after their cell checks)."""
    unit = campaign.unit(result.unit_code or "")
    sheet = form.sheet(SHEET)
    if unit is None or not any(r.sheet == SHEET for r in result.rows):
        return
    indicators = {i.code: i for i in campaign.indicators_of(unit)}
    rows = rows_by_code(result, sheet, indicators, "registration.duplicate_indicator",
                        "registration.unknown_indicator")
    for code, indicator in indicators.items():
        row = rows.get(code)
        if row is None:
            fallback = (f"sẽ dùng chỉ tiêu chung của Sở: {amount(indicator.target, indicator.measure)}"
                        if indicator.target is not None else "Sở không có chỉ tiêu chung")
            result.findings.append(finding_at(result, sheet, None, "registration.indicator_missing", "code", value=code,
                                         what=indicator.name, fallback=fallback))
        else:
            _as_issued(result, sheet, row, indicator)
            if row.valid:
                _target(result, sheet, row, indicator)


def _as_issued(result: FileResult, sheet: TableSheet, row: Row, indicator: Indicator) -> None:
    """The columns the Department fills (name, unit of measure, rule, common target) are recorded as the
    campaign has them: a unit that typed over the locked cells is told, and its text is not recorded."""
    for field, want in _issued(indicator).items():
        if field == "code":  # the row's key: matched already
            continue
        typed = row.values.get(field)
        if field == "common":
            same = (number(typed) is None) == (want is None) and (want is None or abs(number(typed) - want) <= EPS)
            shown, wanted = amount(number(typed), indicator.measure), amount(want, indicator.measure)
        else:
            same = fold(str(typed or "")) == fold(want or "")
            shown, wanted = f"\"{typed or ''}\"", f"\"{want or ''}\""
        if not same:
            result.findings.append(finding_at(result, sheet, row, "registration.prefilled_changed", field,
                                              ind=indicator.code, label=sheet.column(field).label, value=shown,
                                              expected=wanted))
            row.values[field] = want


def _target(result: FileResult, sheet: TableSheet, row: Row, indicator: Indicator) -> None:
    value, common = number(row.values.get("target")), indicator.target
    shown = dict(ind=indicator.code, name=indicator.name, label=sheet.column("target").label)
    if value is None:
        code = "registration.target_missing" if common is not None else "registration.target_no_common"
        result.findings.append(finding_at(result, sheet, row, code, "target", common=amount(common, indicator.measure),
                                     **shown))
        return
    if indicator.kind == "percent" and value > 100 + EPS:
        result.findings.append(finding_at(result, sheet, row, "registration.target_percent", "target",
                                     value=number_text(value), **shown))
        return
    if common is None:
        return
    lower = indicator.direction == "min" and value < common - EPS
    higher = indicator.direction == "max" and value > common + EPS
    if lower or higher:
        result.findings.append(finding_at(result, sheet, row, "registration.target_weaker", "target",
                                     value=amount(value, indicator.measure), common=amount(common, indicator.measure),
                                     weaker="thấp hơn" if lower else "cao hơn",
                                     rule=RULE_WORDS.get(indicator.direction, "").lower(), **shown))
