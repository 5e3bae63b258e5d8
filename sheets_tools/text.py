"""Vietnamese text helpers: normalisation on read, comparison keys."""
from __future__ import annotations

import re
import unicodedata

# Non-breaking, zero-width and other invisible or odd spaces units paste from Word or the web.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_SPACES = re.compile(r"[\s\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
# anything normalize() would change besides leading/trailing spaces
_ODD = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff\u00ad]|[^\S ]|  |[\u1680\u2000-\u200a\u202f\u205f\u3000]")


def normalize(value: str) -> str:
    """NFC, invisible characters removed, runs of spaces (incl. NBSP) collapsed, trimmed."""
    if _ODD.search(value):  # invisible characters go first: "A\u200b\u0300" must compose to "À"
        value = _SPACES.sub(" ", value.translate(_INVISIBLE))
    if not unicodedata.is_normalized("NFC", value):
        value = unicodedata.normalize("NFC", value)
    return value.strip()


def fold(value: str) -> str:
    """A comparison key: normalised and case-folded (keeps diacritics: "Hà" != "Ha")."""
    return normalize(value).casefold()
