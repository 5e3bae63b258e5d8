"""The mail settings of campaign.xlsx ("Cài đặt"): the office's SMTP server (forms, reminders, feedback
and receipts sent), its IMAP mailbox (returns fetched), the sender address and the pace of sending.

Passwords are never settings: they come from the system's credential store or an environment
variable (``sheets_tools.mail.passwords``).
"""
from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator

from sheets_tools.campaign.addresses import email_list
from sheets_tools.core.text import fold

Security = Literal["ssl", "starttls", "none"]
YES, NO = ("có", "co", "x", "yes", "true", "1"), ("không", "khong", "no", "false", "0", "")
DEFAULT_PORTS = {"smtp": {"ssl": 465, "starttls": 587, "none": 25}, "imap": {"ssl": 993, "starttls": 143, "none": 143}}

# (key in campaign.xlsx, default, meaning shown beside it), appended to the settings sheet
MAIL_SETTINGS = [
    ("smtp.host", "", "Máy chủ gửi thư (SMTP) của Văn phòng, ví dụ mail.stp.gov.vn (để trống: chỉ lập thư nháp "
     ".eml, không gửi)"),
    ("smtp.port", "", "Cổng máy chủ gửi thư (để trống: 465 với ssl, 587 với starttls, 25 với none)"),
    ("smtp.security", "starttls", "Cách bảo mật kết nối gửi thư: ssl, starttls hoặc none (không mã hóa, chỉ dùng "
     "trong mạng nội bộ)"),
    ("smtp.user", "", "Tên đăng nhập máy chủ gửi thư (để trống nếu máy chủ không yêu cầu đăng nhập). Mật khẩu "
     "không ghi ở đây: lưu bằng lệnh \"sheets-tools mail password\""),
    ("mail.from", "", "Địa chỉ e-mail gửi đi của Văn phòng (để trống: địa chỉ ở trang \"Thông tin\")"),
    ("imap.host", "", "Máy chủ hộp thư (IMAP) của Văn phòng để nhận hồ sơ các đơn vị gửi về"),
    ("imap.port", "", "Cổng máy chủ hộp thư (để trống: 993 với ssl, 143 với starttls hoặc none)"),
    ("imap.security", "ssl", "Cách bảo mật kết nối hộp thư: ssl, starttls hoặc none"),
    ("imap.user", "", "Tên đăng nhập hộp thư (mật khẩu lưu bằng lệnh \"sheets-tools mail password\")"),
    ("imap.folder", "INBOX", "Thư mục của hộp thư chứa hồ sơ gửi về (INBOX là hộp thư đến)"),
    ("mail.delay_s", 2, "Số giây nghỉ giữa hai thư khi gửi hàng loạt (tránh bị máy chủ chặn)"),
    ("mail.max_per_run", "", "Số thư gửi tối đa mỗi lần chạy lệnh gửi (để trống: không giới hạn)"),
    ("mail.receipt", "không", "Gửi thư báo \"đã nhận\" cho đơn vị khi biểu mẫu gửi về hợp lệ (có/không)"),
]

# setting key -> field of MailSettings
FIELDS = {"smtp.host": "smtp_host", "smtp.port": "smtp_port", "smtp.security": "smtp_security",
          "smtp.user": "smtp_user", "mail.from": "sender", "imap.host": "imap_host", "imap.port": "imap_port",
          "imap.security": "imap_security", "imap.user": "imap_user", "imap.folder": "imap_folder",
          "mail.delay_s": "delay_s", "mail.max_per_run": "max_per_run", "mail.receipt": "receipt"}
KEYS = {field: key for key, field in FIELDS.items()}


class MailSettings(BaseModel):
    """The mail settings, checked (``from_settings``); empty cells take the defaults."""

    smtp_host: str = ""
    smtp_port: int | None = Field(None, gt=0, lt=65536)
    smtp_security: Security = "starttls"
    smtp_user: str = ""
    sender: str = ""  # empty: the office's address of the "Thông tin" sheet
    imap_host: str = ""
    imap_port: int | None = Field(None, gt=0, lt=65536)
    imap_security: Security = "ssl"
    imap_user: str = ""
    imap_folder: str = "INBOX"
    delay_s: float = Field(2, ge=0, le=600)
    max_per_run: int | None = Field(None, gt=0)
    receipt: bool = False  # a receipt mail for every accepted file

    @field_validator("receipt", mode="before")
    @classmethod
    def _yes_no(cls, v: Any) -> Any:
        if isinstance(v, str):
            word = fold(v.strip())
            if word in YES or word in NO:
                return word in YES
            raise ValueError("ghi \"có\" hoặc \"không\"")
        return v

    @field_validator("smtp_security", "imap_security", mode="before")
    @classmethod
    def _security(cls, v: Any) -> Any:
        return v.strip().lower() if isinstance(v, str) else v

    @field_validator("sender")
    @classmethod
    def _sender(cls, v: str) -> str:
        return email_list(v.strip(), single=True)

    @field_validator("smtp_port", "imap_port", "max_per_run", mode="before")
    @classmethod
    def _whole(cls, v: Any) -> Any:
        if isinstance(v, str) and v.strip().endswith(".0"):
            return v.strip()[:-2]
        return v

    @classmethod
    def from_settings(cls, settings: dict[str, str]) -> "MailSettings":
        data = {field: str(settings[key]).strip().replace(",", ".") if field == "delay_s" else str(settings[key]).strip()
                for key, field in FIELDS.items() if str(_blank_none(settings.get(key))).strip()}
        return cls.model_validate(data)

    @property
    def smtp_port_or_default(self) -> int:
        return self.smtp_port or DEFAULT_PORTS["smtp"][self.smtp_security]

    @property
    def imap_port_or_default(self) -> int:
        return self.imap_port or DEFAULT_PORTS["imap"][self.imap_security]


def _blank_none(value: Any) -> Any:
    """An empty cell is None or ""; a 0 typed in a cell is a value (no pause between messages)."""
    return "" if value is None else value


def mail_settings(settings: dict[str, str]) -> MailSettings:
    """The checked mail settings of a campaign's "Cài đặt" sheet (``Campaign.settings``)."""
    return MailSettings.from_settings(settings)
