"""The control workbook's steps (one button each, in the year's order) and where its cells are.

The workbook (``control.py``), the VBA module (``vba_code.py``) and the functions the buttons call
(``buttons.py``) all read these: a button's macro, its step key and the cells a step reads or writes are
declared once, here.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Step:
    """One button: its key (``buttons.press(key)``), its VBA macro, its caption and one line saying what it does."""
    key: str
    macro: str
    label: str
    explanation: str


STEPS: tuple[Step, ...] = (
    Step("issue", "GuiBieuMau", "Gửi biểu mẫu",
         "Lập biểu mẫu điền sẵn cho các đơn vị (theo lịch), xem trước rồi gửi thư qua máy chủ thư."),
    Step("fetch", "NhanHoSoHopThu", "Nhận hồ sơ từ hộp thư",
         "Tải thư đơn vị gửi về từ hộp thư của Văn phòng, kiểm tra và ghi sổ các tệp đính kèm."),
    Step("collect", "NhanHoSoThuMuc", "Nhận hồ sơ từ thư mục",
         "Chọn thư mục chứa tệp đơn vị gửi về (ô vàng bên dưới): kiểm tra và ghi sổ."),
    Step("consolidate", "TongHop", "Tổng hợp",
         "Ghi bảng tổng hợp từ các hồ sơ hợp lệ và mở bảng đó trong Excel."),
    Step("status", "TinhHinhNop", "Tình hình nộp",
         "Cập nhật số liệu từng biểu mẫu và trang \"Tình hình nộp\" (đơn vị × biểu mẫu)."),
    Step("remind", "NhacNop", "Nhắc nộp",
         "Lập thư nhắc cho đơn vị chưa nộp hoặc bị trả lại, xem trước rồi gửi."),
    Step("feedback", "GuiPhanHoi", "Gửi phản hồi",
         "Gửi cho đơn vị các tệp phản hồi (ô bị lỗi được đánh dấu), xem trước rồi gửi."),
    Step("ballot", "LapPhieuBieuQuyet", "Lập phiếu biểu quyết",
         "Lập phiếu biểu quyết của Hội đồng thi đua từ các đề nghị khen thưởng hợp lệ."),
    Step("tally", "KiemPhieu", "Kiểm phiếu",
         "Đọc phiếu biểu quyết đã điền, kiểm phiếu và ghi kết quả."),
    Step("decision", "LapQuyetDinh", "Lập quyết định",
         "Lập quyết định khen thưởng với số và ngày ký ở các ô vàng bên dưới."),
)
BY_KEY = {s.key: s for s in STEPS}

# --- the control sheet ---------------------------------------------------------------------------
CONTROL_SHEET = "Bảng điều khiển"
MATRIX_SHEET = "Tình hình nộp"
CONF_SHEET = "xlwings.conf"
CODE_NAMES = {CONTROL_SHEET: "DieuKhien", MATRIX_SHEET: "TinhHinh", CONF_SHEET: "CauHinh"}
WORKBOOK_CODE_NAME = "ThisWorkbook"
VBA_MODULE = "ThiDua"
VBA_PROJECT = "BangDieuKhien"

COLUMNS = 8  # A..H
FIRST_STEP_ROW = 5  # 1-based: the buttons' rows
INPUT_ROW = FIRST_STEP_ROW + len(STEPS) + 2  # the header "Thông tin các bước cần"; the inputs below it
INPUTS = {  # the input cell of each value a step needs (its label in column A, the yellow cell merged B:H)
    "folder": (INPUT_ROW + 1, "Thư mục hồ sơ (Nhận hồ sơ từ thư mục)"),
    "number": (INPUT_ROW + 2, "Số quyết định (Lập quyết định)"),
    "signed": (INPUT_ROW + 3, "Ngày ký, dd/mm/yyyy (Lập quyết định)"),
}
STATE_ROW = INPUT_ROW + 5  # the header "Tình hình các biểu mẫu hôm nay ..."; the table's head below it
STATE_HEAD = ("Biểu mẫu", "Hạn nộp", "Hợp lệ", "Có lưu ý", "Bị trả lại", "Chưa nộp", "Nộp muộn", "Chưa đến hạn")
MAX_FORMS = 12  # rows kept for the state table
LAST_ROW = STATE_ROW + 2 + MAX_FORMS + 1  # the header "Lần chạy gần nhất"; the run on the row below
LOG_ROW = LAST_ROW + 3  # the header "Nhật ký"; the log's head below it, lines from LOG_ROW + 2 (newest first)
LOG_HEAD = ("Bước", "Thời gian", "Kết quả")
LOG_ROWS = 300

# --- the status matrix sheet ---------------------------------------------------------------------
MATRIX_HEAD_ROW = 5  # 1-based: unit code, unit name, one column per form
MAX_UNITS = 400
MAX_MATRIX_FORMS = 12
# a state's text in the matrix -> its colours (fill, font); matched by the text's beginning
MATRIX_STATES = {
    "accepted": "Hợp lệ",
    "accepted_with_warnings": "Có lưu ý",
    "rejected": "Bị trả lại",
    "missing": "Chưa nộp",
    "not_due": "Chưa đến hạn",
}
MATRIX_COLOURS = {
    "Hợp lệ": ("C6EFCE", "006100"),
    "Có lưu ý": ("FFEB9C", "9C5700"),
    "Bị trả lại": ("FFC7CE", "9C0006"),
    "Chưa nộp": ("FFC7CE", "9C0006"),
    "Chưa đến hạn": ("E7E6E6", "3A3838"),
}
LATE_MARK = " (muộn)"


def cell(row: int, column: int) -> str:
    """The A1 reference of a 1-based (row, column)."""
    return f"{chr(ord('A') + column - 1)}{row}" if column <= 26 else f"A{chr(ord('A') + column - 27)}{row}"
