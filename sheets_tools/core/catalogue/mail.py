"""Finding codes of the mail commands: one message sent or not (``mail.send``), the office's SMTP server
(``mail.smtp``)."""
from sheets_tools.core.severity import ERROR, WARNING, Code

_CHECK_SERVER = ("Kiểm tra smtp.host, smtp.port và smtp.security ở trang \"Cài đặt\" của campaign.xlsx (hỏi bộ "
                 "phận quản trị thư điện tử nếu chưa rõ) và kết nối mạng của máy này, rồi chạy lại lệnh gửi.")

CODES: dict[str, Code] = {
    # --- one message (mail/send.py) ------------------------------------------------------------------------
    "mail.recipient_refused": Code(
        ERROR, "Máy chủ gửi thư từ chối địa chỉ {address} của {who} ({detail}): thư \"{subject}\" chưa được gửi. "
        "Kiểm tra địa chỉ e-mail của đơn vị ở trang \"Đơn vị\" của campaign.xlsx rồi chạy lại lệnh gửi."),
    "mail.mailbox_full": Code(
        ERROR, "Hộp thư {address} của {who} đã đầy ({detail}): thư \"{subject}\" chưa được gửi. Hãy báo đơn vị "
        "(qua điện thoại) dọn bớt hộp thư hoặc cho một địa chỉ khác ở trang \"Đơn vị\" của campaign.xlsx, rồi chạy "
        "lại lệnh gửi: chỉ thư chưa gửi được mới được gửi lại."),
    "mail.some_refused": Code(
        WARNING, "Thư \"{subject}\" đã gửi tới {who} nhưng máy chủ từ chối địa chỉ {address} ({detail}). Kiểm tra "
        "địa chỉ này ở trang \"Đơn vị\" của campaign.xlsx; các địa chỉ còn lại đã nhận thư."),
    "mail.dropped": Code(
        ERROR, "Kết nối tới máy chủ gửi thư bị ngắt khi đang gửi thư \"{subject}\" tới {who} ({detail}): máy chủ "
        "chưa nhận thư này. Chạy lại lệnh gửi để gửi những thư chưa gửi được."),
    "mail.message_refused": Code(
        ERROR, "Máy chủ gửi thư không nhận thư \"{subject}\" gửi {who} ({detail}). Kiểm tra địa chỉ gửi đi "
        "(mail.from ở trang \"Cài đặt\") và dung lượng tệp đính kèm, rồi chạy lại lệnh gửi."),
    "mail.unsure": Code(
        WARNING, "Thư \"{subject}\" gửi {who} (Message-ID {message_id}) đang gửi dở thì lệnh gửi trước bị ngắt: "
        "không rõ máy chủ đã nhận hay chưa nên thư không được gửi lại. Xem hộp \"Thư đã gửi\" của Văn phòng hoặc hỏi "
        "đơn vị; nếu đơn vị chưa nhận, gửi lại bằng --resend {unit_code}."),
    "mail.no_address": Code(
        WARNING, "{who} chưa có địa chỉ e-mail ở trang \"Đơn vị\" của campaign.xlsx: không gửi được thư "
        "\"{subject}\". Bổ sung địa chỉ rồi chạy lại lệnh gửi."),
    "mail.no_feedback_file": Code(
        WARNING, "Chưa có tệp phản hồi \"{workbook}\" cho tệp {name} của {who}: thư phản hồi chưa được gửi. Chạy lệnh "
        "collect để lập lại tệp phản hồi rồi chạy lại lệnh gửi."),
    "mail.copy_not_kept": Code(
        WARNING, "Thư \"{subject}\" đã gửi tới {who} nhưng không lưu được bản sao vào {path} ({detail}). Thư không "
        "cần gửi lại; kiểm tra chỗ trống trên đĩa và quyền ghi vào thư mục đó."),
    "mail.not_reconnected": Code(
        ERROR, "Không kết nối lại được máy chủ gửi thư sau khi kết nối bị ngắt ({detail}): còn {count} thư chưa gửi. "
        "Chạy lại lệnh gửi khi mạng ổn định; các thư đã gửi không bị gửi lại."),
    # --- the office's SMTP server (mail/smtp.py) ------------------------------------------------------------
    "mail.login_failed": Code(
        ERROR, "Máy chủ gửi thư {host} từ chối đăng nhập của tài khoản {user} ({detail}). Kiểm tra tên đăng nhập "
        "(smtp.user ở trang \"Cài đặt\" của campaign.xlsx) và lưu lại mật khẩu bằng lệnh \"sheets-tools mail "
        "password\", rồi chạy lại lệnh gửi. Chưa có thư nào được gửi."),
    "mail.unknown_host": Code(
        ERROR, "Không tìm thấy máy chủ gửi thư \"{host}\" ({detail}). Kiểm tra tên máy chủ (smtp.host ở trang "
        "\"Cài đặt\" của campaign.xlsx) và kết nối mạng, rồi chạy lại lệnh gửi. Chưa có thư nào được gửi."),
    "mail.unreachable": Code(
        ERROR, "Không kết nối được máy chủ gửi thư {host} cổng {port} ({detail}). Chưa có thư nào được gửi. "
        + _CHECK_SERVER),
    "mail.certificate": Code(
        ERROR, "Chứng chỉ bảo mật của máy chủ gửi thư {host} không hợp lệ hoặc không được máy này tin cậy "
        "({detail}). Kiểm tra tên máy chủ (smtp.host phải đúng tên ghi trong chứng chỉ) và ngày giờ của máy tính; "
        "nếu máy chủ dùng chứng chỉ nội bộ, nhờ bộ phận quản trị cài chứng chỉ đó vào máy. Chưa có thư nào được "
        "gửi."),
    "mail.tls_failed": Code(
        ERROR, "Không thiết lập được kết nối mã hóa với máy chủ gửi thư {host} cổng {port} ({detail}). Chưa có thư "
        "nào được gửi. Kiểm tra smtp.security (ssl với cổng 465, starttls với cổng 587) và smtp.port ở trang "
        "\"Cài đặt\" của campaign.xlsx."),
    "mail.no_starttls": Code(
        ERROR, "Máy chủ gửi thư {host} cổng {port} không hỗ trợ STARTTLS. Chưa có thư nào được gửi. Kiểm tra "
        "smtp.security và smtp.port ở trang \"Cài đặt\" của campaign.xlsx (ví dụ ssl với cổng 465)."),
    "mail.no_login": Code(
        ERROR, "Máy chủ gửi thư {host} không cho đăng nhập trên kết nối này. Chưa có thư nào được gửi. Dùng kết "
        "nối mã hóa (smtp.security là ssl hoặc starttls), hoặc để trống smtp.user nếu máy chủ không yêu cầu "
        "đăng nhập."),
    "mail.no_server": Code(
        ERROR, "Chưa khai báo máy chủ gửi thư: điền smtp.host (và smtp.port, smtp.security, smtp.user nếu cần) "
        "ở trang \"Cài đặt\" của campaign.xlsx rồi chạy lại lệnh gửi."),
    "mail.no_sender": Code(
        ERROR, "Chưa có địa chỉ gửi đi: điền mail.from ở trang \"Cài đặt\" hoặc \"E-mail tiếp nhận\" ở trang "
        "\"Thông tin\" của campaign.xlsx rồi chạy lại lệnh gửi."),
    "mail.no_password": Code(
        ERROR, "Chưa có mật khẩu của tài khoản {user} trên máy chủ {host}. Lưu mật khẩu bằng lệnh "
        "\"sheets-tools mail password {folder}\" (hoặc đặt biến môi trường {variable}) rồi chạy lại lệnh gửi."),
}
