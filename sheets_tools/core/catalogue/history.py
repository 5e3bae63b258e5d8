"""Finding codes: the award history import (yearend/history_import.py)."""
from sheets_tools.core.severity import Code, ERROR, WARNING

CODES: dict[str, Code] = {
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
