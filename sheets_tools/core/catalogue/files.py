"""Finding codes: the file as a whole and its identification (collection intake)."""
from sheets_tools.core.severity import Code, ERROR, WARNING

CODES: dict[str, Code] = {
    # --- the file as a whole -------------------------------------------------------
    "file.empty": Code(ERROR, "Tệp rỗng (0 byte). Hãy gửi lại tệp Excel đã điền."),
    "file.unreadable": Code(ERROR, "Không đọc được tệp: {detail}. Hãy gửi lại tệp."),
    "file.check_failed": Code(
        ERROR, "Công cụ gặp lỗi khi kiểm tra các quy định của biểu mẫu với tệp này ({detail}); tệp chưa được ghi "
        "nhận, số liệu đơn vị đã gửi trước đó vẫn giữ nguyên. Văn phòng hãy gửi tệp này cho người quản trị công cụ "
        "(chạy lại với --debug để xem chi tiết kỹ thuật)."),
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
    "file.too_deep": Code(
        ERROR, "Thư điện tử có cấu trúc bất thường ({detail}: thư chuyển tiếp lồng trong thư chuyển tiếp nhiều lần) "
        "nên không đọc được. Hãy gửi lại một thư mới, đính kèm trực tiếp tệp Excel đã điền (không chuyển tiếp)."),
    "file.msg_damaged": Code(
        ERROR, "Không đọc được thư Outlook (.msg): {detail}. Hãy mở thư trong Outlook, lưu riêng tệp Excel đính kèm "
        "(bấm chuột phải vào tệp đính kèm > Lưu thành) vào thư mục nhận rồi chạy lại; nếu thư không mở được, đề nghị "
        "đơn vị gửi lại thư kèm chính tệp Excel đã điền."),
    "file.msg_embedded": Code(
        ERROR, "Thư Outlook (.msg) không có tệp Excel đính kèm; đối tượng chèn vào nội dung thư ({names}) không được "
        "đọc. Hãy mở thư trong Outlook, lưu đối tượng đó thành tệp .xlsx vào thư mục nhận rồi chạy lại, hoặc đề nghị "
        "đơn vị gửi lại thư đính kèm chính tệp Excel (không chèn vào nội dung thư)."),
    "file.msg_embedded_skipped": Code(
        WARNING, "Thư Outlook (.msg) có đối tượng chèn vào nội dung thư ({names}), không được đọc; chỉ nhận các tệp "
        "Excel đính kèm. Nếu đối tượng đó là biểu mẫu, hãy lưu nó thành tệp .xlsx rồi nhận tệp đó, hoặc đề nghị "
        "đơn vị gửi lại dưới dạng tệp đính kèm."),
    "file.date_future": Code(
        WARNING, "Ngày ghi trên thư hoặc trên tệp ({found}) muộn hơn thời điểm nhận; đã lấy thời điểm nhận "
        "({used}) làm ngày nhận. Hãy kiểm tra lại ngày giờ của máy tính đã gửi tệp."),
    "file.not_regular": Code(
        ERROR, "\"{value}\" là {what}, không phải tệp; đã bỏ qua, không mở. Chỉ đưa vào thư mục nhận các tệp "
        "Excel hoặc thư điện tử (.eml) các đơn vị gửi về."),
    "file.link_outside": Code(
        ERROR, "\"{value}\" là liên kết (shortcut/symlink) trỏ ra ngoài thư mục đang nhận (tới \"{target}\"); "
        "đã bỏ qua, không đọc. Nếu đó đúng là tệp đơn vị gửi, hãy chép chính tệp vào thư mục rồi chạy lại."),
    "file.check_died": Code(
        ERROR, "Chưa kiểm tra được tệp \"{value}\": tiến trình kiểm tra tệp bị dừng đột ngột ({detail}). Tệp chưa "
        "được ghi nhận; hãy chạy lại lệnh nhận tệp. Nếu vẫn gặp lỗi này, đề nghị đơn vị gửi lại tệp (mở bằng "
        "Excel, lưu lại dạng .xlsx) hoặc báo cho văn phòng."),
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
    "ident.unit_conflict": Code(
        ERROR, "Tệp ghi hai đơn vị khác nhau: {detail}. Tệp không được ghi nhận, để không thay dữ liệu của đơn vị "
        "khác. Hãy dùng đúng biểu mẫu đã gửi riêng cho đơn vị mình (không sao chép tệp của đơn vị khác) rồi gửi lại."),
    "ident.unit_mismatch": Code(
        WARNING, "Mã đơn vị ẩn ({value}) khác tên đơn vị ghi trên biểu mẫu (\"{detail}\"); đã lấy theo mã ẩn."),
    "sheet.missing": Code(
        ERROR, "Thiếu trang tính \"{sheet}\" của biểu mẫu. Hãy dùng biểu mẫu gốc, không xóa hay đổi tên trang tính."),
    "sheet.header_changed": Code(
        ERROR, "Tiêu đề cột {cell} đã bị sửa (\"{value}\", đúng là \"{expected}\"). Không sửa, chèn hay xóa cột của bảng."),
}
