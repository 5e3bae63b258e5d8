"""Finding codes: a template the unit altered (collection/layout.py)."""
from sheets_tools.core.severity import Code, ERROR, WARNING

CODES: dict[str, Code] = {
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
}
