"""Vietnamese text helpers: normalisation on read, comparison keys."""
from __future__ import annotations

import re
import unicodedata

# Non-breaking, zero-width and other invisible or odd spaces units paste from Word or the web.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_SPACES = re.compile(r"[\s\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")


def normalize(value: str) -> str:
    """NFC, invisible characters removed, runs of spaces (incl. NBSP) collapsed, trimmed."""
    value = unicodedata.normalize("NFC", value).translate(_INVISIBLE)
    return _SPACES.sub(" ", value).strip()


def fold(value: str) -> str:
    """A comparison key: normalised and case-folded (keeps diacritics: "Hà" != "Ha")."""
    return normalize(value).casefold()


def looks_like_formula(value: str) -> bool:
    """Text a spreadsheet program could take for a formula if written carelessly."""
    return value[:1] in ("=", "+", "-", "@") and len(value) > 1
