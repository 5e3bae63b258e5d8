"""The layout of campaign.xlsx: its sheets, their columns (field, Vietnamese header, width),
the Vietnamese words shown for internal values, and the default settings; and its sheets' values as
``campaign.workbook.load`` reads them (``sheet_values``)."""
from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from python_calamine import CalamineError, CalamineWorkbook

from sheets_tools.campaign.criteria import KIND_WORDS, Criterion
from sheets_tools.campaign.mail_settings import MAIL_SETTINGS
from sheets_tools.campaign.model import CatalogueItem, Deadline, Indicator, ListItem, Member, Movement, Unit

INFO_SHEET = "Thông tin chung"
INFO_FIELDS = [
    ("campaign_id", "Mã đợt thi đua", "Chữ không dấu, số, dấu gạch; ví dụ daklak-2024"),
    ("parent_agency", "Cơ quan cấp trên", "In ở góc trái biểu mẫu, ví dụ UBND TỈNH ĐẮK LẮK"),
    ("agency", "Cơ quan", "Ví dụ SỞ TƯ PHÁP"),
    ("place", "Địa danh", "Dùng trong dòng \"..., ngày ... tháng ... năm ...\""),
    ("year", "Năm thi đua", ""),
    ("office", "Đơn vị tiếp nhận", "Ví dụ Văn phòng Sở"),
    ("office_email", "E-mail tiếp nhận", "Địa chỉ các đơn vị gửi biểu mẫu về"),
    ("signer_title", "Chức danh người ký", "Ví dụ GIÁM ĐỐC"),
]
TABLES: dict[str, tuple[str, type[BaseModel], list[tuple[str, str, int]]]] = {
    "deadlines": ("Thời hạn", Deadline, [
        ("form", "Mã biểu mẫu", 16), ("name", "Nội dung", 55), ("date", "Hạn nộp", 14),
        ("opens", "Ngày gửi biểu mẫu", 14), ("remind_days", "Nhắc trước hạn (ngày)", 12),
        ("optional", "Không bắt buộc", 12)]),
    "units": ("Đơn vị", Unit, [
        ("code", "Mã đơn vị", 14), ("name", "Tên đơn vị", 55), ("kind", "Loại đơn vị", 24),
        ("block", "Khối thi đua", 32), ("email", "E-mail", 30), ("contact", "Người liên hệ", 22)]),
    "catalogue": ("Danh hiệu - Hình thức", CatalogueItem, [
        ("code", "Mã", 14), ("name", "Tên danh hiệu, hình thức", 48), ("kind", "Loại", 22),
        ("subject", "Đối tượng", 12), ("legal_basis", "Căn cứ pháp lý", 48), ("rule", "Nhóm tiêu chuẩn", 18),
        ("multiple", "Hệ số tiền thưởng", 12), ("vote_percent", "Tỷ lệ phiếu cần đạt (%)", 14),
        ("decider", "Cấp quyết định", 26), ("figures_basis", "Căn cứ tỷ lệ phiếu, hệ số tiền thưởng", 48)]),
    "movements": ("Phong trào", Movement, [
        ("code", "Mã", 8), ("name", "Tên phong trào thi đua", 90), ("period", "Thời gian", 16)]),
    "criteria": ("Tiêu chí chấm điểm", Criterion, [
        ("block", "Khối thi đua", 30), ("code", "Mã tiêu chí", 12), ("name", "Nội dung tiêu chí", 60),
        ("standard", "Điểm chuẩn", 10), ("kind", "Loại điểm", 14), ("values", "Mức điểm", 22),
        ("scale", "Cách tính điểm", 50), ("evidence", "Cần minh chứng", 12)]),
    "council": ("Hội đồng TĐKT", Member, [
        ("name", "Họ và tên", 28), ("position", "Chức vụ", 44), ("role", "Chức danh trong Hội đồng", 26)]),
    "lists": ("Danh mục", ListItem, [
        ("list", "Danh mục", 26), ("value", "Giá trị", 50), ("group", "Nhóm", 16), ("note", "Ghi chú", 50)]),
    "indicators": ("Chỉ tiêu", Indicator, [
        ("code", "Mã chỉ tiêu", 11), ("name", "Tên chỉ tiêu", 55), ("measure", "Đơn vị tính", 12),
        ("kind", "Loại chỉ tiêu", 13), ("direction", "Đạt khi kết quả", 24), ("applies", "Áp dụng cho", 36),
        ("target", "Chỉ tiêu chung", 12), ("note", "Ghi chú", 30)]),
}
# added after the first release: a campaign.xlsx without them still loads (empty, defaults)
OPTIONAL_SHEETS = {"criteria", "council", "lists", "indicators"}
OPTIONAL_COLUMNS = {"rule", "multiple", "vote_percent", "decider", "figures_basis", "opens", "remind_days",
                    "optional"}
SETTINGS_SHEET = "Cài đặt"
# Vietnamese words in the workbook <-> internal values
VOCAB = {  # per table, per column
    "deadlines": {"optional": {"Có": "yes", "Không": "no"}},  # a form units may send or not
    "catalogue": {
        "kind": {"Danh hiệu thi đua": "title", "Hình thức khen thưởng": "form"},
        "subject": {"Cá nhân": "individual", "Tập thể": "collective"},
        "rule": {"LĐTT": "LDTT", "CSTĐCS": "CSTDCS", "CSTĐ cấp tỉnh, bộ": "CSTD_TINH", "CSTĐ toàn quốc": "CSTD_TQ",
                 "TTLĐTT": "TTLDTT", "TTLĐXS": "TTLDXS", "Cờ thi đua": "CO", "Giấy khen": "GIAY_KHEN",
                 "Bằng khen": "BANG_KHEN"},
    },
    "criteria": {"kind": KIND_WORDS, "evidence": {"Có": "Có", "Không": "Không"}},
    "indicators": {"kind": {"Số lượng": "count", "Tỷ lệ (%)": "percent"},
                   "direction": {"Không thấp hơn chỉ tiêu": "min", "Không vượt chỉ tiêu": "max"}},
}
DEFAULT_SETTINGS = [
    ("sheet_password", "", "Mật khẩu khóa trang tính của biểu mẫu, phiếu biểu quyết và các tệp do công cụ tạo (tạo "
     "ngẫu nhiên khi lập đợt; để trống: khóa không mật khẩu, ai cũng mở khóa được)"),
    ("max_file_mb", 25, "Giới hạn dung lượng một tệp nhận về (MB)"),
    ("max_zip_members", 2000, "Số thành phần tối đa bên trong một tệp .xlsx/.ods"),
    ("max_uncompressed_mb", 200, "Tổng dung lượng tối đa khi giải nén một tệp (MB)"),
    ("max_compression_ratio", 200, "Tỷ lệ nén tối đa của một thành phần (chống \"bom nén\")"),
    ("max_sheet_cells", 2000000, "Số ô tối đa một trang tính được khai báo hoặc chứa"),
    ("parse_timeout_s", 60, "Thời gian tối đa đọc một tệp .xls/.ods/.xlsb (giây)"),
    ("parse_memory_mb", 1024, "Bộ nhớ tối đa khi đọc một tệp .xls/.ods/.xlsb (MB)"),
    ("collect_workers", "", "Số tiến trình chạy song song khi nhận tệp (đọc và kiểm tra tệp) và khi tổng hợp (ghi các "
     "bảng lớn) (để trống: tối đa 2, theo số nhân của máy; 1: không chạy song song)"),
    ("remind_days", 7, "Nhắc các đơn vị chưa nộp từ số ngày này trước hạn nộp (khi trang \"Thời hạn\" không ghi "
     "\"Nhắc trước hạn (ngày)\")"),
    ("midyear_target_percent", 50, "Sơ kết 6 tháng: chỉ tiêu số lượng (đạt khi không thấp hơn) được so với số % "
     "này của chỉ tiêu năm"),
    ("base_salary", 2340000, "Mức lương cơ sở (đồng) dùng tính tiền thưởng: 2.340.000 đ từ 01/07/2024 theo Nghị "
     "định số 73/2024/NĐ-CP; khi mức lương cơ sở thay đổi, hãy sửa số này"),
    ("decree", "", "Nghị định quy định chi tiết Luật Thi đua, khen thưởng số 06/2022/QH15 mà đợt thi đua áp dụng, "
     "ghi trong căn cứ của kết quả kiểm tra đề nghị khen thưởng (ví dụ \"Nghị định số 98/2023/NĐ-CP\"). Để trống: "
     "tự chọn nghị định có hiệu lực khi quyết định khen thưởng (hạn nộp cuối cùng ở trang \"Thời hạn\", không "
     "sớm hơn ngày 01/07 của năm thi đua). Tỷ lệ phiếu bầu ở trang \"Danh hiệu - Hình thức\" (80% Chiến sĩ thi "
     "đua cơ sở và Cờ thi đua, 90% Chiến sĩ thi đua cấp tỉnh, bộ trở lên, tính trên tổng số thành viên Hội "
     "đồng) theo Điều 30 Nghị định số 98/2023/NĐ-CP; hệ số tiền thưởng theo chương tiền thưởng của nghị định áp "
     "dụng; các dòng ghi \"chưa được đối chiếu\" cần kiểm tra lại"),
    ("award_rounding", 1, "Làm tròn tiền thưởng lên bội số của số đồng này (1: không làm tròn)"),
    ("council_quorum", "2/3", "Số thành viên Hội đồng tối thiểu có mặt để phiên họp hợp lệ, so với tổng số "
     "thành viên (ví dụ 2/3 hoặc 50%)"),
    ("ttldtt_ldtt_percent", 70, "Tập thể lao động tiên tiến: tỷ lệ % tối thiểu thành viên đạt Lao động tiên tiến"),
    ("ttldtt_ldtt_compare", "từ", "Tập thể lao động tiên tiến: cách so tỷ lệ Lao động tiên tiến với số % ở dòng "
     "\"ttldtt_ldtt_percent\": \"từ\" (đạt khi từ số % đó trở lên, ví dụ từ 70%) hoặc \"trên\" (đạt khi vượt quá "
     "số % đó, ví dụ trên 50% theo quy định cũ)"),
    ("ttldxs_ldtt_percent", 70, "Tập thể lao động xuất sắc: tỷ lệ % tối thiểu thành viên đạt Lao động tiên tiến"),
    ("cstdcs_cap_percent", "", "Giới hạn số Chiến sĩ thi đua cơ sở đề nghị, tính theo % số người đơn vị đề "
     "nghị Lao động tiên tiến hoặc danh hiệu cao hơn, đủ điều kiện (để trống: không giới hạn)"),
    ("ttldxs_cap_percent", "", "Giới hạn số Tập thể lao động xuất sắc đề nghị, tính theo % số tập thể đề nghị "
     "của đơn vị (để trống: không giới hạn)"),
    ("history_window", "cả hai", "Chiến sĩ thi đua cấp tỉnh, bộ (03 lần liên tục đạt Chiến sĩ thi đua cơ sở) và "
     "Chiến sĩ thi đua toàn quốc (02 lần liên tục đạt Chiến sĩ thi đua cấp tỉnh, bộ): các năm liên tục được tính "
     "\"năm nay\" (kết thúc ở năm thi đua, cùng danh hiệu năm nay đề nghị trong cùng tệp hoặc đã có trong lịch sử "
     "khen thưởng), \"năm trước\" (kết thúc ở năm trước năm thi đua) hoặc \"cả hai\" (đạt một trong hai cách)"),
    ("bang_khen_codes", "BK_TINH_CN", "Mã (cột \"Mã\" trang \"Danh hiệu - Hình thức\") của Bằng khen cấp tỉnh "
     "cho cá nhân xét theo tiêu chuẩn ở hai dòng dưới; nhiều mã cách nhau bằng dấu \";\""),
    ("bang_khen_years", 2, "Bằng khen cấp tỉnh cho cá nhân: số năm liên tục (kết thúc ở năm thi đua) đạt Chiến sĩ "
     "thi đua cơ sở (theo lịch sử khen thưởng và đề nghị năm nay), hoặc hoàn thành xuất sắc nhiệm vụ (năm nay theo "
     "đề nghị, năm trước theo \"Xếp loại năm trước\" trong bản đăng ký thi đua tháng 1; các năm trước nữa công cụ "
     "không có số liệu nên được báo là còn thiếu) kèm số sáng kiến ở dòng \"bang_khen_initiatives\"; 0: không "
     "kiểm tra tiêu chuẩn này"),
    ("bang_khen_initiatives", 2, "Bằng khen cấp tỉnh cho cá nhân theo cách hoàn thành xuất sắc nhiệm vụ: số sáng "
     "kiến, đề tài người đó là tác giả, đồng tác giả được Hội đồng Sáng kiến năm nay công nhận (trang của Hội đồng "
     "Sáng kiến trong bảng tổng hợp)"),
    ("ldtt_min_months", "", "Lao động tiên tiến (và Chiến sĩ thi đua cơ sở): số tháng công tác tối thiểu trong năm "
     "thi đua, tính từ \"Ngày tuyển dụng\" trong đề nghị đến hết ngày 31/12 (ví dụ 10 theo quy định cũ nhiều "
     "tỉnh còn áp dụng); để trống: không kiểm tra. Dòng đề nghị không ghi ngày tuyển dụng không bị kiểm tra"),
    ("band.Xuất sắc", 95, "Xếp loại chấm điểm: mức \"Xuất sắc\" từ số % này của tổng điểm chuẩn của khối"),
    ("band.Tốt", 85, "Xếp loại chấm điểm: mức \"Tốt\" từ số % này (thêm, bớt mức bằng các dòng \"band.<tên mức>\")"),
    ("band.Khá", 70, "Xếp loại chấm điểm: mức \"Khá\" từ số % này"),
    ("band.Trung bình", 50, "Xếp loại chấm điểm: mức \"Trung bình\" từ số % này"),
    ("band_below", "Yếu", "Xếp loại chấm điểm: tên mức thấp nhất (dưới mọi mức trên)"),
    ("backup_keep", 10, "Số bản sao sổ ghi nhận (ledger.sqlite) giữ lại trong thư mục backup, lấy trước mỗi lệnh "
     "ghi vào sổ"),
    ("master_copies", 5, "Số bản bảng tổng hợp cũ giữ lại (có ghi ngày giờ) trong thư mục master/bản cũ mỗi lần "
     "tổng hợp (0: không giữ)"),
    ("password.MA_DON_VI", "", "Mật khẩu mở tệp của đơn vị có mã MA_DON_VI (thay MA_DON_VI bằng mã đơn vị; "
     "để trống nếu không dùng)"),
    *MAIL_SETTINGS,
]


def word_of(table: str, field: str, value: str | None) -> str | None:
    """The Vietnamese word campaign.xlsx shows for an internal value."""
    return next((k for k, v in VOCAB[table][field].items() if v == value), value)


# --- reading its values ---------------------------------------------------------------------------
Sheets = dict[str, list[list[Any]]]  # sheet name -> its values, row n at index n-1, column c at c-1; None: empty
_ERROR_CELL = re.compile(rb'<(?:\w+:)?c\s[^>]*?\bt="e"')


class Unreadable(ValueError):
    """campaign.xlsx is not a workbook openpyxl can open (its InvalidFileException)."""


def sheet_values(path: Path) -> Sheets:
    """The values of every sheet of campaign.xlsx, read by python-calamine (fast); by openpyxl, as before,
    when calamine cannot give the same values (a cell holding an error, which calamine reads as empty) or
    cannot read the file at all (openpyxl then raises what it always raised, its InvalidFileException as
    Unreadable). openpyxl is imported only then: importing it costs every command a tenth of a second."""
    data = path.read_bytes()  # a file Excel holds open raises PermissionError here, as before
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            same = "xl/workbook.xml" in names and not any(
                _ERROR_CELL.search(zf.read(n)) for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml"))
        book = CalamineWorkbook.from_filelike(io.BytesIO(data)) if same else None
        if book is not None:
            return {name: [[_plain(v) for v in row] for row in book.get_sheet_by_name(name).to_python(
                skip_empty_area=False)] for name in book.sheet_names}
    except (zipfile.BadZipFile, CalamineError, KeyError, OSError, ValueError):
        pass
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException
    try:
        wb = load_workbook(io.BytesIO(data), data_only=True)
    except InvalidFileException as exc:
        raise Unreadable(str(exc)) from exc
    return {ws.title: [list(row) for row in ws.iter_rows(values_only=True)] for ws in wb.worksheets}


def _plain(v: Any) -> Any:
    """A value as openpyxl gives it: None for an empty cell, a whole number as an int."""
    if v == "":
        return None
    if type(v) is float and v.is_integer():
        return int(v)
    return v
