"""Finding codes: what the office typed into the master (master/office.py), and the master's folder
(master/consolidate.py)."""
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
    "office.out_of_range": Code(
        WARNING, "\"{label}\" của {key}: {value} nằm ngoài khoảng cho phép, từ {low} đến {high}{basis}; ô này chưa "
        "được ghi nhận, số đã lưu lần trước (nếu có) được giữ nguyên. Hãy nhập số từ {low} đến {high}."),
    "office.formula_no_value": Code(
        WARNING, "\"{label}\" của {key} là công thức chưa có kết quả (tệp được lưu bởi chương trình "
        "không tính công thức); ô này chưa được ghi nhận, số đã lưu lần trước được giữ nguyên. Hãy nhập số thay "
        "cho công thức, hoặc mở tệp trong Excel, lưu lại rồi chạy lại."),
    "office.no_sheet": Code(
        WARNING, "Bảng tổng hợp không còn trang \"{sheet}\" (trang đã bị xóa hoặc đổi tên); số liệu Văn phòng đã "
        "nhập lần trước được giữ nguyên và trang được ghi lại trong bảng tổng hợp mới. Không xóa hay đổi tên "
        "trang này; nếu đã nhập thêm vào trang đó, hãy nhập lại vào trang mới."),
    # --- the master's folder (consolidate.py) ----------------------------------------------------
    "master.temp_removed": Code(
        WARNING, "Đã xóa {count} tệp tạm do một lần chạy bị ngắt giữa chừng để lại ({detail}). Các tệp đã ghi "
        "xong không bị ảnh hưởng; không cần làm gì thêm."),
    "row.no_data": Code(ERROR, "Biểu mẫu chưa có dòng dữ liệu nào (các trang nhập liệu đều trống). "
                        "Hãy điền dữ liệu rồi gửi lại."),
}
