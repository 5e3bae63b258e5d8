"""Finding codes: a single cell, a row or several rows."""
from sheets_tools.core.severity import Code, ERROR, WARNING

CODES: dict[str, Code] = {
    # --- a single cell -------------------------------------------------------------
    "cell.required": Code(ERROR, "Chưa nhập \"{label}\". Hãy nhập giá trị cho ô này."),
    "cell.bad_date": Code(ERROR, "\"{label}\": \"{value}\" không phải ngày hợp lệ. Nhập ngày dạng dd/mm/yyyy, ví dụ 15/03/1985."),
    "cell.date_range": Code(ERROR, "\"{label}\": ngày {value} không hợp lý. Hãy kiểm tra lại."),
    "cell.bad_integer": Code(ERROR, "\"{label}\": \"{value}\" không phải số nguyên. Hãy nhập số nguyên."),
    "cell.bad_number": Code(ERROR, "\"{label}\": \"{value}\" không phải số. Hãy nhập số."),
    "cell.too_large": Code(
        ERROR, "\"{label}\": số \"{value}\" quá lớn, bảng tính không ghi được. Hãy kiểm tra và nhập lại đúng số."),
    "cell.out_of_range": Code(
        ERROR, "\"{label}\": {value} nằm ngoài khoảng cho phép{range}. Hãy kiểm tra lại."),
    "cell.bad_choice": Code(
        ERROR, "\"{label}\": \"{value}\" không có trong danh sách. Hãy chọn một giá trị trong danh sách thả xuống."),
    "cell.no_letters": Code(ERROR, "\"{label}\": \"{value}\" không phải là tên (không có chữ cái). Hãy nhập đúng."),
    "cell.too_long": Code(ERROR, "\"{label}\": nội dung dài quá {limit} ký tự. Hãy rút gọn."),
    "cell.boolean": Code(
        ERROR, "\"{label}\": ô chứa giá trị đúng/sai ({value}), không phải chữ. Hãy gõ lại nội dung của ô "
        "(nếu Excel tự đổi thành TRUE/FALSE, hãy định dạng ô là Văn bản (Text) rồi gõ lại)."),
    "cell.control_chars": Code(
        WARNING, "\"{label}\": đã xóa ký tự điều khiển (ký tự ẩn, không in được) khỏi nội dung; nội dung được "
        "ghi nhận là \"{value}\". Hãy kiểm tra lại; lần sau gõ trực tiếp hoặc dán dưới dạng chữ thường "
        "(Dán đặc biệt > Chỉ giữ văn bản)."),
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
}
