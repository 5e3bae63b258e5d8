"""Indicators (campaign.xlsx, sheet "Chỉ tiêu"; seed 000): the targets units register in January (form
"registration", sheet "targets") and the results they report mid-year and at year end (forms
"midyear_report" and "yearend_report", the same sheets). Here: ``Report``, the rows, the checks and the
master sheet of a report form (``midyear_report.py`` and ``yearend_report.py`` each make one); the target
that applies to a unit and whether a result meets it are ``report_targets.py``.

The target of a unit is the one it registered in January (its registration in use), else the
Department's common target; without either there is nothing to compare with. Mid-year, a count
indicator met when "not lower" is compared with a share of the year's target (setting
``midyear_target_percent``, 50 by default): the results are cumulative from the start of the year.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sheets_tools.campaign.model import Campaign, Indicator, Unit
from sheets_tools.campaign.criteria import EPS, number_text
from sheets_tools.core.findings import ERROR, WARNING, Code, finding
from sheets_tools.formkit.declaration import FIRST_ROW, Form, TableSheet
from sheets_tools.core.records import Document, FileResult, Row
from sheets_tools.core.text import fold, normalize
from sheets_tools.formkit.rows import finding_at, placed
from sheets_tools.formkit.plugins import Context, rows_by_code
from sheets_tools.excel.style import FONT
from sheets_tools.forms.report_targets import (RULE_WORDS, SHARE_SETTING, SOURCE_LABELS, SOURCE_WORDS, Outcome,
                                               amount, midyear_share, number, outcome, target_for)

IMPLAUSIBLE = 100  # a result more than this many times its year's target is taken for a typing slip
RESULTS, DOCUMENTS = "results", "documents"

CODES = {
    "report.indicator_missing": Code(
        ERROR, "Thiếu dòng chỉ tiêu {value} (\"{what}\"). Không xóa dòng của bảng chỉ tiêu; hãy dùng biểu mẫu gốc và "
        "nhập kết quả của chỉ tiêu này."),
    "report.unknown_indicator": Code(
        WARNING, "Dòng có mã chỉ tiêu \"{value}\" không có trong các chỉ tiêu của đơn vị; dòng này không được tổng hợp."),
    "report.duplicate_indicator": Code(
        ERROR, "Chỉ tiêu {value} xuất hiện nhiều lần (đã có ở dòng {other_row}). Hãy xóa dòng trùng."),
    "report.percent_above": Code(
        ERROR, "Chỉ tiêu {ind} (\"{name}\") là tỷ lệ phần trăm nhưng kết quả ghi {value}, lớn hơn 100. Hãy nhập số "
        "phần trăm từ 0 đến 100 (ví dụ 95,5)."),
    "report.implausible": Code(
        ERROR, "Chỉ tiêu {ind} (\"{name}\"): kết quả {value} gấp hơn {times} lần chỉ tiêu năm ({expected}), nhiều "
        "khả năng gõ thừa chữ số hoặc nhầm đơn vị tính. Hãy kiểm tra và nhập lại kết quả; nếu số liệu đúng, hãy báo "
        "Văn phòng để được ghi nhận."),
    "report.target_changed": Code(
        WARNING, "Chỉ tiêu {ind}: ô \"{label}\" ghi {value}, khác {expected} ({source}); kết quả được so với {expected}. "
        "Không sửa các cột ghi sẵn của biểu mẫu."),
    "report.not_met": Code(
        WARNING, "Chỉ tiêu {ind} (\"{name}\"): kết quả {value} chưa đạt {goal} ({gap}). Đơn vị đã giải trình; "
        "Văn phòng xem xét khi đánh giá thi đua."),
    "report.explanation_missing": Code(
        ERROR, "Chỉ tiêu {ind} (\"{name}\"): kết quả {value} chưa đạt {goal} ({gap}) nhưng chưa giải trình. "
        "Hãy ghi lý do chưa đạt vào cột \"{label}\"."),
    "report.below_midyear": Code(
        WARNING, "Chỉ tiêu {ind} (\"{name}\"): kết quả cả năm {value} thấp hơn kết quả 6 tháng đầu năm đã báo cáo "
        "({expected}). Kết quả cả năm là số lũy kế từ đầu năm nên không thể thấp hơn; hãy kiểm tra lại."),
    "report.no_document": Code(
        ERROR, "Chưa ghi văn bản báo cáo gửi kèm. Hãy ghi tên tệp báo cáo (Word hoặc PDF) vào cột \"{label}\" "
        "và gửi tệp đó cùng thư với biểu mẫu này."),
    "report.document_not_sent": Code(
        WARNING, "Không thấy tệp \"{value}\" trong các văn bản gửi kèm biểu mẫu (đã nhận: {sent}). Hãy gửi tệp báo "
        "cáo cùng thư với biểu mẫu (hoặc để cùng thư mục) và ghi đúng tên tệp."),
}


# --- a report form -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Report:
    """The rules of one report form. ``midyear``: count targets are pro-rated (see ``outcome``);
    ``previous``: an earlier report of the same year whose count results this one may not be below."""

    form_id: str
    master_sheet: str  # the master's sheet of this report (at most 31 characters)
    period: str  # "6 THÁNG ĐẦU NĂM" / "NĂM": in the master's title
    midyear: bool = False
    previous: str | None = None

    def hooks(self):
        return self.prefill, self.check, self.master

    # --- the rows -------------------------------------------------------------------------------
    def prefill(self, sheet: TableSheet, context: Context, unit: Unit | None) -> list[dict]:
        """The unit's indicators with the target that applies to it (January's, else the common one)."""
        if unit is None or sheet.key != RESULTS:
            return []
        return [{"code": i.code, "name": i.name, "measure": i.measure, "rule": RULE_WORDS.get(i.direction, ""),
                 "target": target_for(context, unit.code, i)[0]} for i in context.campaign.indicators_of(unit)]

    # --- the checks -----------------------------------------------------------------------------
    def check(self, result: FileResult, form: Form, campaign: Campaign, context: Context) -> None:
        unit = campaign.unit(result.unit_code or "")
        if unit is None:
            return
        sheet = form.sheet(RESULTS)
        indicators = {i.code: i for i in campaign.indicators_of(unit)}
        rows = rows_by_code(result, sheet, indicators, "report.duplicate_indicator", "report.unknown_indicator")
        for code, indicator in indicators.items():
            row = rows.get(code)
            if row is None:
                result.findings.append(finding_at(result, sheet, None, "report.indicator_missing", "code", value=code,
                                             what=indicator.name))
            elif row.valid:
                self._result(result, sheet, row, indicator, context)
        self._documents(result, form.sheet(DOCUMENTS))

    def _result(self, result: FileResult, sheet: TableSheet, row: Row, indicator: Indicator, context: Context) -> None:
        value = number(row.values.get("result"))
        if value is None:  # required: the cell check already said so
            return
        m, unit = indicator.measure, result.unit_code or ""
        shown = dict(ind=indicator.code, name=indicator.name)
        target, source = target_for(context, unit, indicator)
        written = number(row.values.get("target"))
        if (written is None) != (target is None) or (target is not None and abs(written - target) > EPS):
            result.findings.append(finding_at(result, sheet, row, "report.target_changed", "target",
                                         value=amount(written, m), expected=amount(target, m),
                                         source=SOURCE_WORDS[source], label=sheet.column("target").label, **shown))
            row.values["target"] = target  # recorded as the result was compared: the locked cell's own value
        if indicator.kind == "percent" and value > 100 + EPS:
            result.findings.append(finding_at(result, sheet, row, "report.percent_above", "result", value=number_text(value),
                                         **shown))
            return
        if self.previous and indicator.kind == "count":
            before = self._previous_results(context).get(unit, {}).get(indicator.code)
            if before is not None and value < before - EPS:
                result.findings.append(finding_at(result, sheet, row, "report.below_midyear", "result",
                                             value=amount(value, m), expected=amount(before, m), **shown))
        if target is None:
            return
        if indicator.direction == "min" and target > EPS and value > IMPLAUSIBLE * target:
            result.findings.append(finding_at(result, sheet, row, "report.implausible", "result",
                                              value=amount(value, m), expected=amount(target, m),
                                              times=number_text(IMPLAUSIBLE), **shown))
            return
        got = outcome(indicator, target, value, midyear_share(context.campaign) if self.midyear else None)
        if got.met:
            return
        words = dict(value=amount(value, m), goal=got.goal_text, gap=got.gap_text, **shown)
        if normalize(str(row.values.get("explanation") or "")):
            result.findings.append(finding_at(result, sheet, row, "report.not_met", "result", **words))
        else:
            result.findings.append(finding_at(result, sheet, row, "report.explanation_missing", "explanation",
                                         label=sheet.column("explanation").label, **words))

    def _previous_results(self, context: Context) -> dict[str, dict[str, float]]:
        def load() -> dict[str, dict[str, float]]:
            out: dict[str, dict[str, float]] = {}
            for unit, rows in context.rows_in_use(self.previous or "").items():
                for row in rows:
                    value = number(row.values.get("result"))
                    if row.sheet == RESULTS and value is not None:
                        out.setdefault(unit, {})[normalize(str(row.values.get("code") or ""))] = value
            return out
        return context.once(f"report.results:{self.previous}", load)

    def _documents(self, result: FileResult, sheet: TableSheet) -> None:
        """Each named document must be among those sent with the workbook; found ones are kept."""
        rows = [r for r in result.rows if r.sheet == sheet.key]
        if not rows:
            name, letter = placed(result, sheet, sheet.column("file_name"))
            where = result.placements.get(sheet.key)
            result.findings.append(finding("report.no_document", sheet=name,
                                           cell=f"{letter}{where.first_row if where else FIRST_ROW}",
                                           field="file_name", file=result.incoming.source, unit=result.unit_code,
                                           label=sheet.column("file_name").label))
            return
        sent = result.incoming.documents
        for row in rows:
            named = normalize(str(row.values.get("file_name") or "")) if row.valid else ""
            if not named:
                continue
            doc = find_document(sent, named)
            if doc is None:
                result.findings.append(finding_at(result, sheet, row, "report.document_not_sent", "file_name", value=named,
                                             sent="; ".join(d.name for d in sent) or "không có tệp nào"))
            elif all(d is not doc for d in result.documents):
                result.documents.append(doc)

    # --- the master -----------------------------------------------------------------------------
    def master(self, m, context: Context) -> None:
        """One sheet: per indicator across units (with a chart), per unit and indicator, the documents."""
        if context.ledger is None or not context.ledger.submissions(form=self.form_id):
            return
        lines = self.lines(context)
        ws = m.sheet(self.master_sheet)
        widths = [12, 42, 11, 11, 13, 13, 13, 11, 11, 40]
        share = f" Sơ kết 6 tháng: chỉ tiêu số lượng được so với {number_text(midyear_share(context.campaign))}% " \
                f"chỉ tiêu năm (cài đặt \"{SHARE_SETTING}\")." if self.midyear else ""
        m.frame(ws, f"KẾT QUẢ THỰC HIỆN CHỈ TIÊU THI ĐUA {self.period} {m.year}",
                m.stamp() + ". Chỉ tiêu của đơn vị: chỉ tiêu đăng ký tháng 1, nếu không có là chỉ tiêu chung của Sở."
                + share, widths, 2)
        r = self._summary(m, ws, context, lines)
        r = self._detail(m, ws, context, lines, r + 20)
        self._documents_table(m, ws, context, r + 3)

    def lines(self, context: Context) -> list["Line"]:
        """Every reported (unit, indicator) of the units' reports in use, with its target and outcome."""
        camp, out = context.campaign, []
        share = midyear_share(camp) if self.midyear else None
        used = context.rows_in_use(self.form_id)
        for unit in camp.units:
            if unit.code not in used:
                continue
            rows = {normalize(str(r.values.get("code") or "")): r for r in used[unit.code] if r.sheet == RESULTS}
            for indicator in camp.indicators_of(unit):
                row = rows.get(indicator.code)
                value = number(row.values.get("result")) if row else None
                target, source = target_for(context, unit.code, indicator)
                got = outcome(indicator, target, value, share) if target is not None and value is not None else None
                out.append(Line(unit, indicator, target, source, value, got,
                                str(row.values.get("explanation") or "") if row else ""))
        return out

    def _summary(self, m, ws, context: Context, lines: list["Line"]) -> int:
        m.header(ws, ["Mã chỉ tiêu", "Tên chỉ tiêu", "Đơn vị tính", "Số đơn vị báo cáo", "Chỉ tiêu năm",
                      "Kết quả", "Kết quả so với chỉ tiêu năm (%)", "Số đơn vị đạt", "Số đơn vị chưa đạt",
                      "Cách tổng hợp"])
        ws.set_row(m.header_row, 48)
        r = m.header_row
        for indicator in context.campaign.indicators:
            mine = [x for x in lines if x.indicator.code == indicator.code and x.result is not None]
            if not mine and not any(indicator.applies_to(u) for u in context.campaign.units):
                continue
            r += 1
            compared = [x for x in mine if x.target is not None]
            total = _sum if indicator.kind == "count" else _mean
            targets, results = total([x.target for x in compared]), total([x.result for x in compared])
            percent = round(100 * results / targets, 1) if targets else None
            values = [indicator.code, indicator.name, indicator.measure, len(mine), targets,
                      total([x.result for x in mine]), percent, sum(1 for x in mine if x.outcome and x.outcome.met),
                      sum(1 for x in mine if x.outcome and not x.outcome.met),
                      "Cộng các đơn vị" if indicator.kind == "count" else "Bình quân các đơn vị"]
            for c, value in enumerate(values):
                m.put(ws, r, c, value, "score" if 3 <= c <= 8 else "wrap" if c in (1, 9) else "cell")
        if r > m.header_row:
            self._chart(m, ws, r)
        return r

    def _chart(self, m, ws, last: int) -> None:
        """Columns: each indicator's result as a percentage of its target."""
        name = ws.get_name().replace("'", "''")
        first = m.header_row + 2  # Excel row numbers
        chart = m.wb.add_chart({"type": "column"})
        chart.add_series({"name": "Kết quả so với chỉ tiêu năm (%)",
                          "categories": f"='{name}'!$A${first}:$A${last + 1}",
                          "values": f"='{name}'!$G${first}:$G${last + 1}"})
        font = {"name": FONT}
        chart.set_title({"name": f"Kết quả so với chỉ tiêu năm (%) - {self.period.lower()} {m.year}",
                         "name_font": {**font, "size": 12}})
        chart.set_x_axis({"num_font": font})
        chart.set_y_axis({"min": 0, "num_font": font})
        chart.set_legend({"none": True})
        chart.set_size({"width": 760, "height": 340})
        ws.insert_chart(last + 2, 1, chart)

    def _detail(self, m, ws, context: Context, lines: list["Line"], r: int) -> int:
        ws.write_string(r, 0, "Chi tiết theo đơn vị", m.fmt["agency_bold"])
        r += 1
        labels = ["Mã đơn vị", "Tên đơn vị", "Mã chỉ tiêu", "Đơn vị tính", "Chỉ tiêu năm", "Mức cần đạt", "Kết quả",
                  "Đánh giá", "Nguồn chỉ tiêu", "Giải trình"]
        for c, label in enumerate(labels):
            m.put(ws, r, c, label, "header")
        top = r
        for x in lines:
            r += 1
            verdict = ("Chưa báo cáo" if x.result is None else "Không có chỉ tiêu" if x.outcome is None
                       else "Đạt" if x.outcome.met else "Chưa đạt")
            values = [x.unit.code, x.unit.name, x.indicator.code, x.indicator.measure, x.target,
                      x.outcome.goal if x.outcome else None, x.result, verdict,
                      SOURCE_LABELS[x.source], x.explanation]
            for c, value in enumerate(values):
                fmt = "score" if c in (4, 5, 6) else "bad" if c == 7 and verdict == "Chưa đạt" else \
                    "good" if c == 7 and verdict == "Đạt" else "wrap" if c in (1, 8, 9) else "cell"
                m.put(ws, r, c, value, fmt)
        ws.autofilter(top, 0, max(r, top + 1), len(labels) - 1)
        return r

    def _documents_table(self, m, ws, context: Context, r: int) -> None:
        ws.write_string(r, 0, "Văn bản báo cáo của các đơn vị", m.fmt["agency_bold"])
        r += 1
        labels = ["Mã đơn vị", "Tên đơn vị", "Tình trạng", "Văn bản báo cáo", "Lưu tại"]
        spans = [(0, 0), (1, 1), (2, 2), (3, 6), (7, 9)]
        for (first, last), label in zip(spans, labels):
            _cell(m, ws, r, first, last, label, "header")
        ledger, used = context.ledger, context.ledger.data_submission(self.form_id)
        sent, rows = ledger.current(self.form_id), context.rows_in_use(self.form_id)
        for unit in context.campaign.units:
            r += 1
            sub = used.get(unit.code)
            kept = ledger.documents(sub.id) if sub else []
            named = [str(row.values["file_name"]) for row in rows.get(unit.code, [])
                     if row.sheet == DOCUMENTS and row.values.get("file_name")]
            state = ("Đã nhận" if kept else "Chưa nhận") if sub else \
                "Báo cáo bị trả lại" if unit.code in sent else "Chưa nộp báo cáo"
            values = [unit.code, unit.name, state, "\n".join(n for n, _ in kept) or "\n".join(named),
                      "\n".join(_shown_path(p, ledger.dir) for _, p in kept)]
            for (first, last), value in zip(spans, values):
                _cell(m, ws, r, first, last, value, "good" if value == "Đã nhận" else
                      "bad" if value in ("Chưa nhận", "Báo cáo bị trả lại", "Chưa nộp báo cáo") else "wrap")


@dataclass
class Line:
    """One unit's result on one indicator (``result`` None: not reported)."""
    unit: Unit
    indicator: Indicator
    target: float | None
    source: str
    result: float | None
    outcome: Outcome | None
    explanation: str


def find_document(sent: list[Document], named: str) -> Document | None:
    """The sent document a unit named: folded file name, with or without its extension (a path is cut)."""
    wanted = fold(named.replace("\\", "/").rsplit("/", 1)[-1])
    for doc in sent:
        name = fold(doc.name or "")
        if wanted in (name, Path(name).stem):
            return doc
    return None


def _sum(values: list[float]) -> float | None:
    return round(sum(values), 4) if values else None


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 2) if values else None


def _cell(m, ws, r: int, first: int, last: int, value: Any, fmt: str) -> None:
    if last > first and isinstance(value, str) and value:  # the text's height over the merged width
        return m.merge(ws, r, first, last, value, fmt)
    if last > first:
        ws.merge_range(r, first, r, last, "", m.fmt[fmt])
    m.put(ws, r, first, value, fmt)


def _shown_path(path: Path, base: Path) -> str:
    try:
        return str(path.relative_to(base))
    except ValueError:
        return str(path)
