"""Finding codes: what the office typed into the master (master/office.py)."""
from sheets_tools.core.severity import Code, ERROR, WARNING

CODES: dict[str, Code] = {
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
}
