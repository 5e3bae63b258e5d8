"""Findings: every problem found in a file, a row or a cell is a record with a code.

The common codes live in CATALOGUE; a form's own checks keep theirs in its rules module
(``CODES`` in ``sheets_tools/forms/<form id>.py``), added here by ``register``. A message is
formatted from the catalogue entry, so tests can build the expected text the same way
(``message("cell.required", label="Tên")``).
Messages are Vietnamese and say what to do.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Code:
    severity: str
    text: str  # Vietnamese message; str.format() placeholders from the finding's context


CATALOGUE: dict[str, Code] = {
    # --- the file as a whole -------------------------------------------------------
    "file.empty": Code(ERROR, "Tệp rỗng (0 byte). Hãy gửi lại tệp Excel đã điền."),
    "file.unreadable": Code(ERROR, "Không đọc được tệp: {detail}. Hãy gửi lại tệp."),
    "file.not_spreadsheet": Code(
        ERROR, "Tệp không phải bảng tính Excel (nhận diện là: {what}). Hãy gửi tệp .xlsx theo biểu mẫu."),
    "file.converted_format": Code(
        WARNING, "Tệp định dạng {what} đã được đọc; lần sau hãy gửi tệp .xlsx theo biểu mẫu gốc."),
    "file.parse_failed": Code(
        ERROR, "Không đọc được tệp: trình đọc bảng tính dừng bất thường ({detail}). Hãy mở tệp bằng Excel, "
        "lưu lại dạng .xlsx (Tệp > Lưu thành > Excel Workbook) rồi gửi lại."),
    "file.ignored_parts": Code(
        WARNING, "Tệp có {what}; các phần này đã được bỏ qua, chỉ đọc giá trị trong bảng."),
    "file.decrypted": Code(
        WARNING, "Tệp có mật khẩu đã được mở bằng mật khẩu đơn vị đăng ký; lần sau hãy gửi tệp không đặt mật khẩu."),
    "file.encrypted": Code(
        ERROR, "Tệp được đặt mật khẩu nên không đọc được. Hãy gỡ mật khẩu (Tệp > Thông tin > "
        "Bảo vệ sổ làm việc > Mã hóa bằng mật khẩu, xóa mật khẩu) rồi gửi lại."),
    "file.truncated": Code(
        ERROR, "Tệp bị hỏng hoặc không trọn vẹn (có thể do tải về/gửi đi bị ngắt): {detail}. "
        "Hãy gửi lại tệp gốc."),
    "file.too_large": Code(ERROR, "Tệp vượt giới hạn cho phép: {detail}. Hãy gửi đúng biểu mẫu, không chèn thêm dữ liệu lớn."),
    "file.macros": Code(WARNING, "Tệp có chứa macro (VBA); chỉ đọc giá trị, không chạy macro."),
    "file.duplicate": Code(WARNING, "Tệp này đã được nhận trước đó (trùng nội dung); không ghi nhận lại."),
    "file.date_unknown": Code(
        WARNING, "Thư không ghi rõ ngày gửi; đã lấy thời điểm lưu tệp thư ({received}) làm ngày nhận. "
        "Hãy kiểm tra lại việc nộp đúng hạn."),
    "file.late": Code(WARNING, "Nộp muộn: nhận ngày {received}, hạn nộp {deadline}."),
    "file.no_attachment": Code(ERROR, "Thư điện tử không có tệp Excel đính kèm. Hãy gửi lại thư kèm biểu mẫu đã điền."),
    # --- identification ------------------------------------------------------------
    "ident.unknown_form": Code(
        ERROR, "Không nhận ra biểu mẫu: tệp không phải biểu mẫu của đợt thi đua này. "
        "Hãy dùng đúng biểu mẫu đã được gửi cho đơn vị."),
    "ident.unknown_unit": Code(
        ERROR, "Không xác định được đơn vị gửi tệp{detail}. Hãy dùng biểu mẫu đã gửi riêng cho đơn vị "
        "(có sẵn tên và mã đơn vị)."),
    "ident.by_name": Code(
        WARNING, "Tệp không còn thông tin nhận dạng ẩn; đơn vị được xác định theo tên ghi trên biểu mẫu "
        "(\"{value}\"). Lần sau hãy dùng biểu mẫu gốc đã được gửi."),
    "ident.other_campaign": Code(
        ERROR, "Biểu mẫu thuộc đợt \"{value}\", không phải đợt đang thu \"{expected}\". Hãy dùng biểu mẫu của đợt này."),
    "ident.old_version": Code(
        WARNING, "Biểu mẫu phiên bản {value}, phiên bản hiện hành là {expected}; đã đọc theo cấu trúc hiện hành."),
    "ident.unit_mismatch": Code(
        WARNING, "Mã đơn vị ẩn ({value}) khác tên đơn vị ghi trên biểu mẫu (\"{detail}\"); đã lấy theo mã ẩn."),
    "sheet.missing": Code(
        ERROR, "Thiếu trang tính \"{sheet}\" của biểu mẫu. Hãy dùng biểu mẫu gốc, không xóa hay đổi tên trang tính."),
    "sheet.header_changed": Code(
        ERROR, "Tiêu đề cột {cell} đã bị sửa (\"{value}\", đúng là \"{expected}\"). Không sửa, chèn hay xóa cột của bảng."),
    # --- a template the unit altered (layout.py) -------------------------------------
    "sheet.renamed": Code(
        WARNING, "Trang tính \"{value}\" đã được hiểu là trang \"{expected}\" của biểu mẫu (tên trang đã bị đổi); "
        "đã đọc bình thường. Lần sau không đổi tên trang tính."),
    "sheet.header_moved": Code(
        WARNING, "Trang \"{sheet}\": dòng tiêu đề của bảng nằm ở dòng {row} (biểu mẫu gốc: dòng {expected}) do có "
        "dòng bị chèn hoặc xóa phía trên; đã đọc theo vị trí mới. Lần sau không chèn, xóa dòng phía trên bảng."),
    "sheet.header_not_found": Code(
        ERROR, "Trang \"{sheet}\": không tìm thấy dòng tiêu đề của bảng (các cột {expected}); trang này chưa được "
        "đọc. Hãy dùng biểu mẫu gốc, không sửa hay xóa dòng tiêu đề."),
    "sheet.columns_moved": Code(
        WARNING, "Trang \"{sheet}\": các cột không ở vị trí như biểu mẫu gốc: {value}; đã đọc theo tiêu đề cột. "
        "Lần sau không di chuyển, chèn hay xóa cột."),
    "sheet.column_renamed": Code(
        WARNING, "Tiêu đề cột {cell} là \"{value}\" (biểu mẫu gốc: \"{expected}\"); đã hiểu là cột \"{expected}\". "
        "Lần sau không sửa tiêu đề cột."),
    "sheet.extra_column": Code(
        WARNING, "Cột {cell} (\"{value}\") không có trong biểu mẫu; giá trị trong cột này không được đọc. "
        "Nếu đó là thông tin cần gửi, hãy chuyển vào đúng cột của biểu mẫu."),
    "sheet.column_missing": Code(
        ERROR, "Trang \"{sheet}\" thiếu cột bắt buộc \"{expected}\"; trang này chưa được đọc. "
        "Hãy thêm lại cột (hoặc dùng biểu mẫu gốc) rồi gửi lại."),
    "sheet.optional_column_missing": Code(
        WARNING, "Trang \"{sheet}\" thiếu cột \"{expected}\" (không bắt buộc); cột này được coi là để trống."),
    "sheet.rows_below_table": Code(
        WARNING, "Trang \"{sheet}\": có dữ liệu ở {value}, bên dưới dòng cuối của bảng (dòng {expected}); "
        "đã đọc cả các dòng này. Lần sau hãy chèn thêm dòng trong bảng."),
    "sheet.data_below_footer": Code(
        ERROR, "Trang \"{sheet}\": có dữ liệu ở {value}, bên dưới phần ghi chú và ký tên; các dòng này chưa được "
        "đọc. Hãy chèn thêm dòng trong bảng (phía trên dòng ghi chú) và chuyển dữ liệu vào đó."),
    "sheet.rows_beyond_limit": Code(
        ERROR, "Trang \"{sheet}\": bảng vẫn còn dữ liệu ở dòng {value}, vượt quá số dòng được đọc; các dòng sau "
        "đó chưa được đọc. Hãy tách bớt dữ liệu sang tệp khác hoặc liên hệ Văn phòng."),
    "cell.merged": Code(
        WARNING, "Các ô {range} đã bị gộp (merge); chỉ lấy giá trị ở ô đầu tiên, các ô còn lại được coi là trống. "
        "Hãy bỏ gộp ô và nhập giá trị cho từng ô."),
    "cell.formula": Code(
        WARNING, "Ô {cell} chứa công thức; đã lấy giá trị đã tính (\"{value}\"). Nên nhập trực tiếp giá trị."),
    "cell.formula_no_value": Code(
        ERROR, "Ô {cell} chứa công thức nhưng chưa có giá trị đã tính (tệp chưa được mở và lưu lại bằng Excel); "
        "không đọc được giá trị. Hãy nhập trực tiếp giá trị vào ô."),
    # --- a single cell -------------------------------------------------------------
    "cell.required": Code(ERROR, "Chưa nhập \"{label}\". Hãy nhập giá trị cho ô này."),
    "cell.bad_date": Code(ERROR, "\"{label}\": \"{value}\" không phải ngày hợp lệ. Nhập ngày dạng dd/mm/yyyy, ví dụ 15/03/1985."),
    "cell.date_range": Code(ERROR, "\"{label}\": ngày {value} không hợp lý. Hãy kiểm tra lại."),
    "cell.bad_integer": Code(ERROR, "\"{label}\": \"{value}\" không phải số nguyên. Hãy nhập số nguyên."),
    "cell.bad_number": Code(ERROR, "\"{label}\": \"{value}\" không phải số. Hãy nhập số."),
    "cell.out_of_range": Code(
        ERROR, "\"{label}\": {value} nằm ngoài khoảng cho phép{range}. Hãy kiểm tra lại."),
    "cell.bad_choice": Code(
        ERROR, "\"{label}\": \"{value}\" không có trong danh sách. Hãy chọn một giá trị trong danh sách thả xuống."),
    "cell.no_letters": Code(ERROR, "\"{label}\": \"{value}\" không phải là tên (không có chữ cái). Hãy nhập đúng."),
    "cell.too_long": Code(ERROR, "\"{label}\": nội dung dài quá {limit} ký tự. Hãy rút gọn."),
    "cell.legacy_font": Code(
        WARNING, "\"{label}\": chữ gõ bằng phông {font} (bảng mã {encoding}) đã được chuyển sang Unicode: "
        "\"{value}\". Hãy kiểm tra lại; lần sau dùng phông Unicode (ví dụ Times New Roman)."),
    "cell.mojibake": Code(
        WARNING, "\"{label}\": chữ bị lỗi bảng mã (\"{original}\") đã được sửa thành \"{value}\". "
        "Hãy kiểm tra lại; lần sau lưu tệp bằng bảng mã Unicode (UTF-8)."),
    # --- a row or several rows -----------------------------------------------------
    "row.title_wrong_subject": Code(
        ERROR, "\"{value}\" là danh hiệu/hình thức dành cho {expected}, không dùng cho {subject}. "
        "Hãy chọn danh hiệu dành cho {subject}."),
    "row.title_is_form": Code(
        ERROR, "\"{value}\" là {actual}, không phải {expected}. Hãy ghi vào đúng cột \"{label}\". "
        "(Căn cứ: danh hiệu thi đua và hình thức khen thưởng là khác nhau, Luật Thi đua, khen thưởng số "
        "06/2022/QH15.)"),
    "row.duplicate_in_unit": Code(
        ERROR, "Trùng lặp: {what} đã có ở dòng {other_row}. Hãy xóa dòng trùng hoặc sửa cho đúng."),
    "row.duplicate_across_units": Code(
        WARNING, "{what} cũng được {other_unit} đăng ký. Một người chỉ đăng ký tại một đơn vị; "
        "hãy thống nhất với đơn vị kia."),
    # --- what the office typed into the master (office.py) --------------------------------
    "office.unreadable": Code(
        WARNING, "Không đọc lại được bảng tổng hợp để lấy số liệu Văn phòng đã nhập ({detail}); đã dùng số liệu "
        "đã lưu lần trước. Hãy đóng tệp trong Excel rồi chạy lại."),
    "office.no_columns": Code(
        WARNING, "Trang \"{sheet}\" của bảng tổng hợp không còn các cột {expected}; số liệu Văn phòng đã nhập lần "
        "trước được giữ nguyên. Không xóa hay sửa tiêu đề các cột này."),
    "office.bad_number": Code(
        WARNING, "\"{label}\": \"{value}\" không phải số; ô này chưa được ghi nhận. Hãy nhập số (ví dụ 92,5)."),
    "row.no_data": Code(ERROR, "Biểu mẫu chưa có dòng dữ liệu nào (các trang nhập liệu đều trống). "
                        "Hãy điền dữ liệu rồi gửi lại."),
    # --- the council's vote workbook (yearend/ballot.py, yearend/tally.py) -------------------------------------
    "council.not_ballot": Code(
        ERROR, "Tệp không phải tệp biểu quyết của Hội đồng Thi đua - Khen thưởng (nhận dạng là \"{value}\"). "
        "Hãy dùng tệp biểu quyết do phần mềm lập cho đợt thi đua này."),
    "council.id_missing": Code(
        WARNING, "Tệp biểu quyết không còn trang nhận dạng ẩn \"_id\"; chưa kiểm tra được đợt thi đua và số thành "
        "viên Hội đồng. Lần sau hãy điền trực tiếp vào tệp biểu quyết đã lập, không sao chép sang tệp khác."),
    "council.membership_changed": Code(
        ERROR, "Tệp biểu quyết được lập cho Hội đồng {value} thành viên, nhưng danh sách Hội đồng của đợt thi đua "
        "có {expected} thành viên; ngưỡng phiếu được tính theo {expected} thành viên. Hãy lập lại tệp biểu quyết "
        "theo danh sách Hội đồng hiện hành (trang \"Hội đồng TĐKT\" của campaign.xlsx)."),
    "council.member_unknown": Code(
        ERROR, "Ô {cell}: \"{value}\" không có trong danh sách Hội đồng của đợt thi đua; dòng này không được tính. "
        "Hãy sửa đúng họ tên thành viên, hoặc cập nhật danh sách Hội đồng rồi lập lại tệp biểu quyết."),
    "council.member_missing": Code(
        WARNING, "Không thấy thành viên \"{value}\" trên trang \"{sheet}\" (dòng hoặc cột đã bị xóa, hoặc họ tên bị "
        "sửa); thành viên này được coi là vắng mặt, không biểu quyết. Hãy dùng tệp biểu quyết gốc."),
    "council.nobody_present": Code(
        ERROR, "Chưa có thành viên nào được đánh dấu \"Có mặt\" trên trang \"{sheet}\"; không ứng viên nào được "
        "công nhận đạt. Hãy chọn \"Có\" ở cột \"Có mặt\" cho các thành viên dự họp."),
    "council.no_quorum": Code(
        ERROR, "Phiên họp không đủ số thành viên: có mặt {present}/{members}, cần ít nhất {needed} ({share} tổng số "
        "thành viên); không ứng viên nào được công nhận đạt. Hãy kiểm tra cột \"Có mặt\" hoặc họp lại khi đủ "
        "thành viên."),
    "council.bad_vote": Code(
        ERROR, "Ô {cell} ({member}): \"{value}\" không phải phiếu hợp lệ; phiếu này không được tính. Chỉ chọn "
        "\"Đồng ý\" hoặc \"Không đồng ý\" (để trống nếu thành viên không biểu quyết)."),
    "council.vote_not_allowed": Code(
        WARNING, "Ô {cell}: thành viên {member} không có mặt và không biểu quyết bằng văn bản nhưng có phiếu "
        "\"{value}\"; phiếu này không được tính. Nếu thành viên đã gửi phiếu bằng văn bản, hãy chọn \"Có\" ở cột "
        "\"Biểu quyết bằng văn bản\" trên trang \"Thành viên\"."),
    "council.bad_count": Code(
        ERROR, "\"{label}\" ở ô {cell}: \"{value}\" không phải số nguyên từ 0 đến {members}; ứng viên này chưa "
        "được công nhận. Hãy nhập số phiếu là số nguyên."),
    "council.too_many_votes": Code(
        ERROR, "Dòng {row} ({name}): tổng số phiếu đồng ý và không đồng ý ({total}) nhiều hơn số thành viên được "
        "biểu quyết ({voters}: có mặt hoặc biểu quyết bằng văn bản); ứng viên này chưa được công nhận. Hãy kiểm "
        "tra lại số phiếu và cột \"Có mặt\", \"Biểu quyết bằng văn bản\" trên trang \"Thành viên\"."),
    "council.no_id": Code(
        WARNING, "Dòng {row} ({name}) không có mã ứng viên (cột ẩn bị xóa hoặc dòng được thêm bằng tay); kết quả "
        "vẫn được kiểm nhưng không gắn được với hồ sơ đề nghị. Hãy ghi kết quả vào đúng dòng của tệp biểu quyết gốc."),
    "council.duplicate_candidate": Code(
        ERROR, "Dòng {row}: ứng viên \"{name}\" đã có ở dòng {other_row}; dòng này không được tính. Hãy xóa dòng trùng."),
    "council.unknown_award": Code(
        ERROR, "Dòng {row} ({name}): không xác định được tỷ lệ phiếu cần đạt của \"{value}\" (không có trong danh "
        "mục danh hiệu, hình thức của đợt thi đua); ứng viên này chưa được công nhận. Hãy kiểm tra danh mục rồi "
        "lập lại tệp biểu quyết."),
    "council.not_voted": Code(
        WARNING, "Dòng {row} ({name}): chưa có phiếu biểu quyết nào; ứng viên được tính là không đạt. Hãy nhập kết "
        "quả biểu quyết nếu Hội đồng đã biểu quyết."),
    # --- campaign.xlsx -------------------------------------------------------------
    "campaign.missing": Code(ERROR, "Không tìm thấy tệp cấu hình đợt thi đua {value}. Hãy chạy \"sheets-tools init\"."),
    "campaign.sheet_missing": Code(ERROR, "campaign.xlsx thiếu trang tính \"{sheet}\"."),
    "campaign.bad_value": Code(ERROR, "\"{label}\": {detail}."),
    "campaign.duplicate": Code(ERROR, "\"{value}\" bị trùng (đã có ở dòng {other_row}). Mỗi mã, mỗi tên chỉ ghi một lần."),
    "campaign.unreadable": Code(ERROR, "Không đọc được campaign.xlsx: {detail}."),
    # --- award history import (yearend/history_import.py) -------------------------------------------
    "history.unreadable": Code(
        ERROR, "Không đọc được tệp lịch sử khen thưởng \"{book}\": {detail}. Chưa nhập dòng nào; hãy mở tệp bằng "
        "Excel, lưu dạng .xlsx (Tệp > Lưu thành > Excel Workbook) rồi nhập lại."),
    "history.no_header": Code(
        ERROR, "Tệp \"{book}\": không trang tính nào có dòng tiêu đề trong {scan} dòng đầu (cần các cột {expected}). "
        "Chưa nhập dòng nào; hãy dùng biểu mẫu nhập lịch sử khen thưởng hoặc sửa tiêu đề cột cho đúng rồi nhập lại."),
    "history.column_missing": Code(
        WARNING, "Tệp \"{book}\", trang \"{sheet}\": không có cột {expected}; các giá trị này được coi là để trống. "
        "Nên bổ sung các cột này theo biểu mẫu (có ngày sinh mới so khớp chắc chắn đúng người)."),
    "history.too_many_rows": Code(
        ERROR, "Tệp \"{book}\", trang \"{sheet}\": bảng có hơn {limit} dòng; các dòng sau dòng {limit} chưa được "
        "nhập. Hãy tách thành nhiều tệp rồi nhập lần lượt."),
    "history.required": Code(
        ERROR, "Tệp \"{book}\", trang \"{sheet}\", ô {cell}: chưa nhập \"{label}\", nên dòng {row} chưa được nhập. "
        "Hãy điền ô này rồi nhập lại tệp."),
    "history.bad_cell": Code(
        ERROR, "Tệp \"{book}\", trang \"{sheet}\", ô {cell}: \"{label}\" là \"{value}\", không hợp lệ ({detail}), "
        "nên dòng {row} chưa được nhập. Hãy sửa ô này rồi nhập lại tệp."),
    "history.unknown_award": Code(
        ERROR, "Tệp \"{book}\", trang \"{sheet}\", ô {cell}: \"{value}\" không có trong danh mục danh hiệu, hình thức "
        "khen thưởng của đợt thi đua, nên dòng {row} chưa được nhập. Hãy ghi đúng tên (hoặc mã) trong danh mục, "
        "ví dụ \"{example}\", rồi nhập lại tệp."),
    "history.wrong_subject": Code(
        ERROR, "Tệp \"{book}\", trang \"{sheet}\", ô {cell}: \"{value}\" dành cho {expected}, nhưng dòng {row} ghi "
        "đối tượng là {subject}, nên chưa được nhập. Hãy sửa cột \"Đối tượng\" hoặc danh hiệu rồi nhập lại tệp."),
    "history.duplicate_row": Code(
        WARNING, "Tệp \"{book}\", trang \"{sheet}\": dòng {row} trùng dòng {other_row} ({what}); chỉ nhập một lần. "
        "Hãy xóa dòng trùng."),
    "history.no_birth_date": Code(
        WARNING, "Tệp \"{book}\", trang \"{sheet}\": {count} cá nhân không có ngày sinh ({rows}); đã nhập, nhưng chỉ "
        "khớp được với hồ sơ đề nghị cũng không ghi ngày sinh. Hãy bổ sung ngày sinh vào tệp nếu có."),
}


@dataclass
class Finding:
    """One problem. ``cell`` is an A1 reference on ``sheet`` (None for file-level findings)."""

    code: str
    severity: str
    message: str
    file: str | None = None
    unit: str | None = None
    sheet: str | None = None
    cell: str | None = None
    field: str | None = None
    value: Any = None

    def to_json(self) -> dict:
        """The public JSON shape of a finding (issue contract)."""
        d = asdict(self)
        return {k: d[k] for k in ("code", "severity", "sheet", "cell", "field", "value", "message")}


def register(codes: dict[str, Code]) -> None:
    """Add a form's own codes (its rules module's ``CODES``); a code already taken is a mistake."""
    for name, code in codes.items():
        if CATALOGUE.get(name, code) != code:
            raise ValueError(f"finding code {name} is declared twice")
        CATALOGUE[name] = code


_LOADERS: list = []


def add_loader(load) -> None:
    """``load()`` adds codes not yet in the catalogue (the forms' own, registered by the layer that
    knows the forms); it is called the first time an unknown code is looked up."""
    _LOADERS.append(load)


def lookup(name: str) -> Code:
    """The catalogue entry of a code; a form's codes are loaded with its rules module on first use."""
    if name not in CATALOGUE:
        for load in _LOADERS:
            load()
    return CATALOGUE[name]


def message(code_name: str, **context: Any) -> str:
    """Format the Vietnamese message of ``code_name`` with ``context``; missing keys render empty."""
    return lookup(code_name).text.format_map(_Blank(context))


def finding(code: str, *, sheet: str | None = None, cell: str | None = None, field: str | None = None,
            value: Any = None, file: str | None = None, unit: str | None = None, **context: Any) -> Finding:
    """Build a Finding from the catalogue. ``context`` fills the message placeholders."""
    ctx = {"value": "" if value is None else value, "sheet": sheet or "", "cell": cell or "", **context}
    return Finding(code=code, severity=lookup(code).severity, message=message(code, **ctx),
                   file=file, unit=unit, sheet=sheet, cell=cell, field=field, value=_jsonable(value))


def has_errors(findings: list[Finding]) -> bool:
    return any(f.severity == ERROR for f in findings)


def status_of(findings: list[Finding]) -> str:
    """accepted / accepted_with_warnings / rejected, from the findings of one file."""
    if has_errors(findings):
        return "rejected"
    if findings:
        return "accepted_with_warnings"
    return "accepted"


STATUS_LABELS = {
    "accepted": "Hợp lệ",
    "accepted_with_warnings": "Hợp lệ, có lưu ý",
    "rejected": "Bị trả lại",
    "missing": "Chưa nộp",
}

SEVERITY_LABELS = {ERROR: "Lỗi", WARNING: "Lưu ý"}


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return ""


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)
