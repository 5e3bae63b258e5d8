"""File names the tool gives the files it writes (forms, feedback, lists): safe on Windows."""
from __future__ import annotations

import re
import unicodedata

MAX_FILE_NAME = 120
_UNSAFE_NAME = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')


def safe_file_name(stem: str, suffix: str, limit: int = MAX_FILE_NAME) -> str:
    """A Windows-safe file name: NFC, no <>:"/\\|?* or control characters, at most ``limit`` chars."""
    stem = _UNSAFE_NAME.sub("", unicodedata.normalize("NFC", stem))
    stem = re.sub(r"\s+", " ", stem).strip(" .")[: max(1, limit - len(suffix))].rstrip(" .")
    return (stem or "tep") + suffix
