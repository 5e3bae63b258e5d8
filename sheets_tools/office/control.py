"""The control workbook ``Bảng điều khiển thi đua <năm>.xlsm``, written with xlsxwriter into the campaign folder.

Sheet "Bảng điều khiển": a button per step (VBA macro -> ``buttons.press``), the yellow cells the steps
read, today's counts per form, the last run and the log. Sheet "Tình hình nộp": the unit × form matrix
coloured by conditional formatting. Hidden sheet "xlwings.conf": the settings xlwings' standalone module
reads (``GetConfigFromSheet``: names in column A from A1 down, values in column B), with this Python's path.
Every value goes through ``excel.cells`` (``put_value``, ``put_row``): a name the office typed stays text,
never a formula, a link or xlsxwriter's own markup.
"""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from datetime import date, datetime
from io import BytesIO
from pathlib import Path

import xlsxwriter

from sheets_tools.campaign.model import Campaign
from sheets_tools.collection.status import board
from sheets_tools.core.files import is_open_elsewhere, write_atomic
from sheets_tools.excel.cells import put_row, put_value
from sheets_tools.excel.fit import column_width, row_height
from sheets_tools.excel.style import FONT, INPUT_COLOR, SIZE, TITLE_SIZE
from sheets_tools.office import state
from sheets_tools.office.steps import (CODE_NAMES, COLUMNS, CONF_SHEET, CONTROL_SHEET, FIRST_STEP_ROW, INPUT_ROW,
                                       INPUTS, LAST_ROW, LOG_HEAD, LOG_ROW, MATRIX_COLOURS, MATRIX_HEAD_ROW,
                                       MATRIX_SHEET, MAX_MATRIX_FORMS, MAX_UNITS, STATE_HEAD, STATE_ROW, STEPS,
                                       WORKBOOK_CODE_NAME, cell)
from sheets_tools.office.vba_code import vba_project
from sheets_tools.store.ledger import Ledger

COUNT_WIDTH = 11.0
DATE_WIDTH = 17.0
RESULT_WIDTH = COUNT_WIDTH * (COLUMNS - 2)  # the log's result column and the empty ones it runs over
HEAD_COLOR = "DDEBF7"


class ControlBusy(Exception):
    """The control workbook is open in Excel (or LibreOffice): it cannot be replaced now."""

    def __init__(self, path: Path):
        self.path = path
        super().__init__(f"Bảng điều khiển {path} đang mở trong Excel: hãy đóng tệp đó rồi chạy lại lệnh "
                         "sheets-tools excel install.")


def control_path(campaign: Campaign) -> Path:
    """``<campaign>/Bảng điều khiển thi đua <năm>.xlsm``."""
    return campaign.dir / f"Bảng điều khiển thi đua {campaign.info.year}.xlsm"


def interpreter() -> str:
    """The Python the buttons run: this one (on Windows its ``pythonw.exe``, which opens no console)."""
    exe = Path(sys.executable)
    if os.name == "nt" and (exe.parent / "pythonw.exe").is_file():
        return str(exe.parent / "pythonw.exe")
    return str(exe)


def package_path() -> str:
    """Empty when this Python imports the tool by itself; else the folder that holds ``sheets_tools``."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    flags = subprocess.CREATE_NO_WINDOW if os.name == "nt" else 0
    try:
        done = subprocess.run([sys.executable, "-c", "import sheets_tools.office.buttons"], cwd=tempfile.gettempdir(),
                              env=env, capture_output=True, timeout=120, creationflags=flags)
        if done.returncode == 0:
            return ""
    except (OSError, subprocess.SubprocessError):
        pass
    return str(Path(__file__).resolve().parents[2])


def xlwings_settings() -> list[tuple[str, object]]:
    """The rows of the "xlwings.conf" sheet, in the order of xlwings' own standalone example."""
    mac = sys.platform == "darwin"
    return [("Interpreter_Win", "" if mac else interpreter()), ("Interpreter_Mac", interpreter() if mac else ""),
            ("PYTHONPATH", package_path()), ("Conda Path", ""), ("Conda Env", ""), ("UDF Modules", ""),
            ("Debug UDFs", False), ("Use UDF Server", False), ("Show Console", False)]


@dataclass
class Installed:
    path: Path
    forms: int
    units: int


def install(campaign: Campaign, today: date | None = None) -> Installed:
    """Write the control workbook into the campaign folder (atomically); ``ControlBusy`` when it is open."""
    target = control_path(campaign)
    if is_open_elsewhere(target):
        raise ControlBusy(target)
    with Ledger(campaign.dir) as ledger:
        status = board(campaign, ledger, today).to_json()
    settings = xlwings_settings()
    project = vba_project()
    write_atomic(target, lambda tmp: _write(tmp, campaign, status, settings, project))
    names, rows = state.matrix(status)
    return Installed(target, len(names), len(rows))


class _Formats:
    def __init__(self, wb: xlsxwriter.Workbook):
        base = {"font_name": FONT, "font_size": SIZE, "valign": "vcenter"}
        self.title = wb.add_format({**base, "bold": True, "font_size": TITLE_SIZE})
        self.note = wb.add_format({**base, "italic": True})
        self.bold = wb.add_format({**base, "bold": True})
        self.head = wb.add_format({**base, "bold": True, "border": 1, "bg_color": HEAD_COLOR, "text_wrap": True,
                                   "align": "center"})
        self.text = wb.add_format(base)
        self.boxed = wb.add_format({**base, "border": 1, "text_wrap": True})
        self.number = wb.add_format({**base, "border": 1, "align": "center"})
        self.input = wb.add_format({**base, "border": 1, "bg_color": INPUT_COLOR, "locked": False})
        self.colours = {label: wb.add_format({"bg_color": fill, "font_color": font})
                        for label, (fill, font) in MATRIX_COLOURS.items()}


def _write(path: Path, campaign: Campaign, status: dict, settings: list, project: bytes) -> None:
    wb = xlsxwriter.Workbook(str(path), {"default_format_properties": {"font_name": FONT, "font_size": SIZE}})
    wb.set_properties({"title": f"Bảng điều khiển thi đua {campaign.info.year}", "author": "sheets-tools"})
    wb.add_vba_project(BytesIO(project), is_stream=True)
    wb.set_vba_name(WORKBOOK_CODE_NAME)
    fmt = _Formats(wb)
    now = datetime.now()
    _control_sheet(wb, fmt, campaign, status, now)
    _matrix_sheet(wb, fmt, status, now)
    conf = wb.add_worksheet(CONF_SHEET)
    conf.set_vba_name(CODE_NAMES[CONF_SHEET])
    conf.set_column(0, 0, 22)
    conf.set_column(1, 1, 60)
    for row, (name, value) in enumerate(settings):
        put_value(conf, row, 0, name)
        put_value(conf, row, 1, value)
    conf.hide()
    wb.close()


def _page(ws, repeat: int | None = None) -> None:
    ws.set_paper(9)  # A4
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=0.5, right=0.4, top=0.6, bottom=0.6)
    ws.set_footer("&CTrang &P / &N")
    if repeat is not None:
        ws.repeat_rows(repeat)


def _control_sheet(wb, fmt: _Formats, campaign: Campaign, status: dict, now: datetime) -> None:
    ws = wb.add_worksheet(CONTROL_SHEET)
    ws.set_vba_name(CODE_NAMES[CONTROL_SHEET])
    counts = state.form_counts(status)
    first = column_width([s.label for s in STEPS] + [r[0] for r in counts] + [label for _, label in INPUTS.values()],
                         minimum=26, maximum=40) + 2
    ws.set_column(0, 0, first)
    ws.set_column(1, 1, DATE_WIDTH)
    ws.set_column(2, COLUMNS - 1, COUNT_WIDTH)
    ws.merge_range(0, 0, 0, COLUMNS - 1, f"BẢNG ĐIỀU KHIỂN THI ĐUA {campaign.info.year}", fmt.title)
    put_value(ws, 1, 0, campaign.info.agency, fmt.bold)
    put_value(ws, 2, 0, "Bấm nút để chạy một bước; kết quả ghi vào nhật ký bên dưới. Chỉ nhập vào các ô màu vàng.",
              fmt.note)
    put_value(ws, FIRST_STEP_ROW - 2, 0, "Các bước trong năm", fmt.bold)
    button_px = int(first * 7 + 5) - 8
    for index, step in enumerate(STEPS):
        row = FIRST_STEP_ROW - 1 + index
        ws.set_row(row, 26)
        ws.insert_button(row, 0, {"macro": step.macro, "caption": step.label, "width": button_px, "height": 30,
                                  "x_offset": 4, "y_offset": 2})
        put_value(ws, row, 1, step.explanation, fmt.text)
    put_value(ws, INPUT_ROW - 1, 0, "Thông tin các bước cần (ô màu vàng)", fmt.bold)
    for row, label in INPUTS.values():
        put_value(ws, row - 1, 0, label, fmt.boxed)
        ws.merge_range(row - 1, 1, row - 1, COLUMNS - 1, "", fmt.input)
    put_value(ws, STATE_ROW - 1, 0, state.state_title(now), fmt.bold)
    ws.set_row(STATE_ROW, row_height([(h, COUNT_WIDTH, SIZE, True) for h in STATE_HEAD], minimum=15.75))
    put_row(ws, STATE_ROW, 0, STATE_HEAD, fmt.head)
    for index, values in enumerate(counts):
        put_value(ws, STATE_ROW + 1 + index, 0, values[0], fmt.boxed)
        put_row(ws, STATE_ROW + 1 + index, 1, values[1:], fmt.number)
    put_value(ws, LAST_ROW - 1, 0, "Lần chạy gần nhất", fmt.bold)
    installed = ["Đã lập bảng điều khiển. Bấm các nút ở trên để chạy từng bước."]
    first_log = state.log_rows("Cài đặt", now, installed, RESULT_WIDTH)
    put_row(ws, LAST_ROW, 0, first_log[0])
    put_value(ws, LOG_ROW - 1, 0, "Nhật ký (mới nhất ở trên)", fmt.bold)
    put_row(ws, LOG_ROW, 0, LOG_HEAD, fmt.head)
    for index, values in enumerate(first_log):
        put_row(ws, LOG_ROW + 1 + index, 0, values)
    ws.protect()
    ws.activate()
    _page(ws)


def _matrix_sheet(wb, fmt: _Formats, status: dict, now: datetime) -> None:
    ws = wb.add_worksheet(MATRIX_SHEET)
    ws.set_vba_name(CODE_NAMES[MATRIX_SHEET])
    names, rows = state.matrix(status)
    ws.set_column(0, 0, 12)
    ws.set_column(1, 1, max(30.0, column_width([r[1] for r in rows], maximum=55)))
    ws.set_column(2, MAX_MATRIX_FORMS + 1, 15)
    put_value(ws, 0, 0, "TÌNH HÌNH NỘP THEO ĐƠN VỊ VÀ BIỂU MẪU", fmt.title)
    put_value(ws, 1, 0, state.state_title(now), fmt.note)
    put_value(ws, 2, 0, "Chú thích:", fmt.bold)
    for index, label in enumerate(MATRIX_COLOURS):
        put_value(ws, 2, 2 + index, label, fmt.number)
    put_value(ws, 3, 0, "Bấm nút \"Tình hình nộp\" ở trang \"Bảng điều khiển\" để cập nhật trang này.", fmt.note)
    head = ["Mã", "Đơn vị", *names]
    ws.set_row(MATRIX_HEAD_ROW - 1, row_height([(h, 15, SIZE, True) for h in names], minimum=15.75))
    put_row(ws, MATRIX_HEAD_ROW - 1, 0, head, fmt.head)
    for index, values in enumerate(rows):
        put_row(ws, MATRIX_HEAD_ROW + index, 0, values, fmt.boxed)
    area = f"{cell(MATRIX_HEAD_ROW + 1, 3)}:{cell(MATRIX_HEAD_ROW + MAX_UNITS, MAX_MATRIX_FORMS + 2)}"
    legend = f"{cell(3, 3)}:{cell(3, 2 + len(MATRIX_COLOURS))}"
    for label, colour in fmt.colours.items():
        for where in (area, legend):
            ws.conditional_format(where, {"type": "text", "criteria": "begins with", "value": label,
                                          "format": colour})
    ws.freeze_panes(MATRIX_HEAD_ROW, 2)
    ws.protect("", {"autofilter": True, "sort": True})
    _page(ws, repeat=MATRIX_HEAD_ROW - 1)
