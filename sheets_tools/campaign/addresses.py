"""E-mail addresses as the office types them in campaign.xlsx (a unit's "E-mail" cell, the mail settings):
checked before anything is issued or sent, each bad one named."""
from __future__ import annotations

import re

# what an e-mail address never holds (spaces, quotes, brackets, separators, control characters)
_NOT_IN_ADDRESS = re.compile(r"[\s\"<>()\[\],;:\\\x00-\x1f\x7f]")


def valid_address(value: str) -> bool:
    """One e-mail address: something before a single "@", a domain of dot-separated labels after it."""
    local, at, domain = value.rpartition("@")
    return bool(at and local and "@" not in local and not _NOT_IN_ADDRESS.search(value) and value.isascii()
                and "." in domain and all(domain.split(".")))


def email_list(value: str, *, single: bool = False) -> str:
    """A unit's e-mail cell: one address, or several separated by "," or ";" (``single``: exactly one)."""
    if not value:
        return value
    addresses = [a.strip() for a in re.split(r"[,;]", value) if a.strip()]  # "a@b.vn;" as Outlook copies it
    if not addresses:  # only separators: no address
        return ""
    if single and len(addresses) > 1:
        raise ValueError("chỉ ghi một địa chỉ e-mail")
    bad = [a for a in addresses if not valid_address(a)]
    accented = [a for a in bad if not a.isascii()]
    if accented:  # "hòa@..." or an accented domain: no mail server of an office takes it (SMTPUTF8)
        raise ValueError(f"địa chỉ e-mail có chữ có dấu hoặc ký tự đặc biệt: "
                         f"{', '.join(chr(34) + a + chr(34) for a in accented)}; hãy gõ lại địa chỉ không dấu, đúng như "
                         "đơn vị dùng (ví dụ hoa@coquan.gov.vn)")
    if bad:
        raise ValueError(f"địa chỉ e-mail không hợp lệ: {', '.join(chr(34) + a + chr(34) for a in bad)}; mỗi địa chỉ "
                         "có dạng ten@coquan.gov.vn, các địa chỉ cách nhau bằng dấu \";\"")
    return value
