"""Finding codes of the fetch command: who sent a fetched mail (findings on the file), and what stops a fetch
before anything is taken (the mailbox cannot be reached, refuses the login, lacks the folder)."""
from sheets_tools.core.severity import ERROR, WARNING, Code

_SETTINGS = "trang \"Cài đặt\" của campaign.xlsx"

CODES: dict[str, Code] = {
    # --- the sender of a fetched mail (a finding on the file it carried) ---------------
    "fetch.sender_other_unit": Code(
        WARNING, "Thư gửi tệp này đi từ địa chỉ {sender} của {sender_unit}, nhưng tệp là biểu mẫu của "
        "{unit_label}. Hãy kiểm tra {unit_label} đã gửi đúng tệp của mình (không gửi nhầm tệp của đơn vị khác) "
        "và lần sau gửi từ địa chỉ e-mail của đơn vị đã đăng ký với Văn phòng."),
    "fetch.sender_unknown": Code(
        WARNING, "Thư gửi tệp này đi từ địa chỉ {sender}, không phải địa chỉ e-mail của đơn vị nào trong danh sách "
        "đơn vị của đợt thi đua{known}. Nếu đó là địa chỉ mới của đơn vị, hãy báo Văn phòng để ghi vào cột "
        "\"E-mail\" (trang \"Đơn vị\" của campaign.xlsx); nếu không, hãy kiểm tra ai đã gửi tệp."),
    # --- what stops a fetch (one message, nothing taken) ----------------------------------
    "fetch.no_host": Code(
        ERROR, "Chưa khai báo máy chủ hộp thư: ô imap.host trên " + _SETTINGS + " còn trống. Hãy ghi tên máy chủ "
        "IMAP của Văn phòng (ví dụ mail.stp.gov.vn) và tên đăng nhập (imap.user), hoặc đọc tệp hộp thư đã xuất "
        "bằng tùy chọn --from."),
    "fetch.no_user": Code(
        ERROR, "Chưa khai báo tên đăng nhập hộp thư: ô imap.user trên " + _SETTINGS + " còn trống. Hãy ghi tên "
        "đăng nhập hộp thư của Văn phòng (thường là địa chỉ e-mail) rồi chạy lại."),
    "fetch.no_password": Code(
        ERROR, "Chưa có mật khẩu hộp thư {user} trên máy chủ {host}. Hãy lưu mật khẩu bằng lệnh "
        "\"sheets-tools mail password\" hoặc đặt biến môi trường SHEETS_TOOLS_IMAP_PASSWORD, rồi chạy lại."),
    "fetch.unreachable": Code(
        ERROR, "Không kết nối được máy chủ hộp thư {host}, cổng {port} ({detail}). Hãy kiểm tra mạng, tên máy chủ "
        "(imap.host) và cổng (imap.port) trên " + _SETTINGS + "."),
    "fetch.timeout": Code(
        ERROR, "Máy chủ hộp thư {host}, cổng {port} không trả lời sau {seconds} giây. Hãy kiểm tra mạng, tường lửa, "
        "tên máy chủ (imap.host) và cổng (imap.port) trên " + _SETTINGS + "."),
    "fetch.certificate": Code(
        ERROR, "Chứng chỉ bảo mật của máy chủ hộp thư {host} không được công nhận ({detail}). Hãy kiểm tra tên máy "
        "chủ (imap.host) đúng với tên ghi trên chứng chỉ; nếu máy chủ dùng chứng chỉ nội bộ, nhờ bộ phận kỹ thuật "
        "cài chứng chỉ đó vào máy tính này."),
    "fetch.tls": Code(
        ERROR, "Không lập được kết nối bảo mật với máy chủ hộp thư {host}, cổng {port} ({detail}). Hãy kiểm tra "
        "cách bảo mật (imap.security: ssl, starttls hoặc none) và cổng (imap.port) theo hướng dẫn của nhà cung "
        "cấp thư."),
    "fetch.login": Code(
        ERROR, "Máy chủ hộp thư {host} từ chối đăng nhập của {user} ({detail}). Hãy kiểm tra tên đăng nhập "
        "(imap.user trên " + _SETTINGS + ") và lưu lại mật khẩu bằng lệnh \"sheets-tools mail password\"."),
    "fetch.no_folder": Code(
        ERROR, "Hộp thư {user} trên máy chủ {host} không có thư mục \"{folder}\". Hãy kiểm tra tên thư mục "
        "({where}); các thư mục đang có: {folders}."),
    "fetch.server": Code(
        ERROR, "Máy chủ hộp thư {host} báo lỗi khi {action} ({detail}). Những thư đã nhận trước lỗi đã được "
        "ghi sổ; hãy chạy lại lệnh sau ít phút. Nếu lỗi còn, báo bộ phận quản trị thư."),
    "fetch.not_mailbox": Code(
        ERROR, "\"{path}\" không phải tệp hộp thư mbox, thư mục Maildir hay thư mục tệp thư Outlook (.msg). Hãy chỉ "
        "tới tệp hộp thư xuất từ Thunderbird (định dạng mbox), thư mục Maildir (có các thư mục con cur và new) "
        "hoặc thư mục chứa các tệp thư Outlook (.msg)."),
    "fetch.mailbox_unreadable": Code(
        ERROR, "Không đọc được hộp thư \"{path}\" ({detail}). Hãy kiểm tra tệp còn nguyên vẹn và không bị chương "
        "trình thư khác đang ghi, rồi chạy lại."),
}
