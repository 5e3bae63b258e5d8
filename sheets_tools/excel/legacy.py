"""Legacy Vietnamese text: TCVN3 (.Vn fonts) and VNI (VNI- fonts) to Unicode, and mojibake repair.

Text typed with a legacy font is stored in a modern xlsx as the Latin-1 characters whose byte
values the font draws as Vietnamese letters ("NguyÔn" in .VnTime shows "Nguyễn"). Whether a
cell is legacy is decided by its font, read straight from the xlsx (styles.xml and the sheet
XML), never by guessing from the text: short cells are ambiguous.

The tables are our own (viparse 0.1.31 was inspected: its TCVN3 table leaves capital fonts
out and its VNI table misses ẳ and has ỵ wrong, and it needs Python 3.11).
TCVN3 (TCVN 5712:1993 VN3) has 67 lower-case letters and 7 upper-case base letters; capitals
with tones are typed in the "H" fonts (.VnTimeH), which draw every lower-case code as a capital.
VNI Windows writes a toned vowel as a base letter followed by a mark character.

This module converts text; legacy_cells finds which cells of an xlsx are in a legacy font and
fixes the rows read from them.
"""
from __future__ import annotations

import re
import unicodedata

TCVN3 = "tcvn3"
VNI = "vni"
ENCODING_NAMES = {TCVN3: "TCVN3 (ABC)", VNI: "VNI Windows"}

# --- the tables -------------------------------------------------------------------------------
# Unicode vowels in tone order: none, sắc, huyền, hỏi, ngã, nặng.
_TONES = ("", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323")
_VOWELS = {"a": "a", "ă": "a\u0306", "â": "a\u0302", "e": "e", "ê": "e\u0302", "i": "i", "o": "o",
           "ô": "o\u0302", "ơ": "o\u031b", "u": "u", "ư": "u\u031b", "y": "y"}

# TCVN3 code of each vowel in the same tone order ("a" etc.: the bare ASCII letter).
_TCVN3_VOWELS = {
    "a": "a\u00b8\u00b5\u00b6\u00b7\u00b9", "ă": "\u00a8\u00be\u00bb\u00bc\u00bd\u00c6",
    "â": "\u00a9\u00ca\u00c7\u00c8\u00c9\u00cb", "e": "e\u00d0\u00cc\u00ce\u00cf\u00d1",
    "ê": "\u00aa\u00d5\u00d2\u00d3\u00d4\u00d6", "i": "i\u00dd\u00d7\u00d8\u00dc\u00de",
    "o": "o\u00e3\u00df\u00e1\u00e2\u00e4", "ô": "\u00ab\u00e8\u00e5\u00e6\u00e7\u00e9",
    "ơ": "\u00ac\u00ed\u00ea\u00eb\u00ec\u00ee", "u": "u\u00f3\u00ef\u00f1\u00f2\u00f4",
    "ư": "\u00ad\u00f8\u00f5\u00f6\u00f7\u00f9", "y": "y\u00fd\u00fa\u00fb\u00fc\u00fe",
}
_TCVN3_OTHERS = {"đ": "\u00ae", "Ă": "\u00a1", "Â": "\u00a2", "Ê": "\u00a3", "Ô": "\u00a4", "Ơ": "\u00a5",
                 "Ư": "\u00a6", "Đ": "\u00a7"}

# VNI: the base of each vowel and the marks for the tones (index 0 unused). Capitals are the
# upper() of these sequences ("aâ" -> "AÂ"), which is how VNI Windows lays them out.
_VNI_PLAIN = ("", "\u00f9", "\u00f8", "\u00fb", "\u00f5", "\u00ef")    # ù ø û õ ï
_VNI_HAT = ("\u00e2", "\u00e1", "\u00e0", "\u00e5", "\u00e3", "\u00e4")  # â á à å ã ä
_VNI_BREVE = ("\u00ea", "\u00e9", "\u00e8", "\u00fa", "\u00fc", "\u00eb")  # ê é è ú ü ë
_VNI_VOWELS = {
    "a": ("a", _VNI_PLAIN), "ă": ("a", _VNI_BREVE), "â": ("a", _VNI_HAT), "e": ("e", _VNI_PLAIN),
    "ê": ("e", _VNI_HAT), "o": ("o", _VNI_PLAIN), "ô": ("o", _VNI_HAT), "ơ": ("\u00f4", _VNI_PLAIN),
    "u": ("u", _VNI_PLAIN), "ư": ("\u00f6", _VNI_PLAIN), "y": ("y", _VNI_PLAIN),
}
# i takes single characters (í ì æ ó ò); ỵ is î; đ is ñ.
_VNI_SINGLE = {"í": "\u00ed", "ì": "\u00ec", "ỉ": "\u00e6", "ĩ": "\u00f3", "ị": "\u00f2", "ỵ": "\u00ee",
               "đ": "\u00f1"}


def _compose(vowel: str, tone: int) -> str:
    return unicodedata.normalize("NFC", _VOWELS[vowel] + _TONES[tone])


def _tcvn3_table() -> dict[str, str]:
    """Unicode letter -> TCVN3 character (only letters TCVN3 can hold)."""
    table = {_compose(v, t): codes[t] for v, codes in _TCVN3_VOWELS.items() for t in range(6)}
    table.update(_TCVN3_OTHERS)
    return {k: v for k, v in table.items() if k != v}


def _vni_table() -> dict[str, str]:
    """Unicode letter (both cases) -> VNI sequence."""
    lower = {}
    for vowel, (base, marks) in _VNI_VOWELS.items():
        for tone in range(6):
            lower[_compose(vowel, tone)] = base + marks[tone]
    lower.update(_VNI_SINGLE)
    table = {k: v for k, v in lower.items() if k != v}
    table.update({k.upper(): v.upper() for k, v in lower.items() if k.upper() != v.upper()})
    return table


TO_TCVN3 = _tcvn3_table()
TO_VNI = _vni_table()
_FROM_TCVN3 = str.maketrans({v: k for k, v in TO_TCVN3.items()})
_FROM_VNI = {v: k for k, v in TO_VNI.items()}
_VNI_BASES = "aeouyAEOUY\u00f4\u00f6\u00d4\u00d6"  # a e o u y ô(ơ) ö(ư), both cases
_VNI_MARKS = "".join(sorted({s[1] for s in TO_VNI.values() if len(s) == 2}))
_VNI_SINGLES = "".join(sorted(s for s in _FROM_VNI if len(s) == 1))
# one left-to-right pass: a base + mark pair first, else a single letter (output is never re-read)
_VNI_SEQ = re.compile(f"[{_VNI_BASES}][{_VNI_MARKS}]|[{_VNI_SINGLES}]")
_VNI_STRAY_MARK = re.compile(f"(?<![{_VNI_BASES}])[{_VNI_MARKS}]")

# every non-ASCII character the encoding uses, including those that stand for themselves (ý; í ì Í Ì)
_LEGACY_CHARS = {TCVN3: frozenset("".join(TO_TCVN3.values()) + "\u00fd"),
                 VNI: frozenset([c for s in TO_VNI.values() for c in s if ord(c) > 0x7F]
                                + ["\u00ed", "\u00ec", "\u00cd", "\u00cc"])}
# Unicode-only Vietnamese letters, Latin extended and combining marks: the text is already Unicode.
_ALREADY_UNICODE = re.compile("[\u0100-\u024f\u0300-\u036f\u1e00-\u1eff]")
_LATIN1_LETTERS = frozenset(chr(c) for c in range(0xC0, 0x100) if chr(c).isalpha())


# --- fonts and conversion ---------------------------------------------------------------------
def legacy_kind(font_name: str | None) -> str | None:
    """"tcvn3" for ".Vn..." fonts, "vni" for "VNI-..." fonts, None for any other font."""
    name = (font_name or "").strip().lower()
    if name.startswith(".vn"):
        return TCVN3
    if name.startswith("vni-"):
        return VNI
    return None


def is_capital_font(font_name: str | None) -> bool:
    """Whether a TCVN3 font is a capitals ("H") font such as ".VnTimeH"."""
    name = (font_name or "").strip()
    return legacy_kind(name) == TCVN3 and name.endswith("H")


def to_unicode(text: str, kind: str, *, upper: bool = False) -> str:
    """Legacy text of ``kind`` ("tcvn3"/"vni") as Unicode NFC; ``upper`` for TCVN3 capital fonts.

    Characters outside the table pass through unchanged.
    """
    if kind == TCVN3:
        out = text.translate(_FROM_TCVN3)
    elif kind == VNI:
        out = _VNI_SEQ.sub(_vni_sequence, text)
    else:
        raise ValueError(f"unknown legacy encoding: {kind!r}")
    if upper:
        out = out.upper()
    return unicodedata.normalize("NFC", out)


def _vni_sequence(match: re.Match) -> str:
    """A single letter, or a base + mark pair (a mark in the other case is read in the base's case)."""
    seq = match.group()
    if len(seq) == 1:
        return _FROM_VNI[seq]
    letter = _FROM_VNI.get(seq) or _FROM_VNI.get(seq.lower())
    if letter is None:  # not a pair VNI has: the base alone, the mark left as it is
        return _FROM_VNI.get(seq[0], seq[0]) + seq[1]
    return letter.upper() if seq[0].isupper() else letter


def from_unicode(text: str, kind: str, *, upper: bool = False) -> str:
    """Unicode text as the legacy characters a ``kind`` font shows as that text (tests, fixtures).

    ``upper``: TCVN3 for a capitals font (the text is written in lower-case codes). Raises
    ValueError for a letter the encoding cannot hold (TCVN3 capitals with tones, without ``upper``).
    """
    text = unicodedata.normalize("NFC", text)
    if kind == VNI:
        return "".join(TO_VNI.get(c, c) for c in text)
    if kind != TCVN3:
        raise ValueError(f"unknown legacy encoding: {kind!r}")
    out = []
    for char in text.lower() if upper else text:
        if char not in TO_TCVN3 and char.lower() in TO_TCVN3 and char.lower() != char:
            raise ValueError(f"TCVN3 cannot hold {char!r} outside a capitals font")
        out.append(TO_TCVN3.get(char, char))
    return "".join(out)


def looks_legacy(text: str, kind: str) -> bool:
    """Whether ``text`` can be legacy text of ``kind``: it uses the table and nothing contradicts it.

    Text that already holds Unicode Vietnamese letters, combining marks, Latin-1 letters the
    encoding does not use, or (VNI) a mark after no vowel is taken as already Unicode.
    """
    chars = _LEGACY_CHARS[kind]
    if text.isascii() or _ALREADY_UNICODE.search(text):
        return False
    used = False
    for char in text:
        if char in chars:
            used = True
        elif char in _LATIN1_LETTERS:
            return False
    return used and not (kind == VNI and _VNI_STRAY_MARK.search(text))


def convert_cell(text: str, font_name: str | None) -> tuple[str, str | None]:
    """``text`` of a cell in font ``font_name`` as Unicode NFC, and the legacy kind if it was converted.

    Returns ``(text, None)`` unchanged for Unicode fonts and for text that is not legacy text.
    """
    kind = legacy_kind(font_name)
    if kind is None or not looks_legacy(text, kind):
        return text, None
    converted = to_unicode(text, kind, upper=is_capital_font(font_name))
    return (converted, kind) if converted != text else (text, None)


# --- mojibake ---------------------------------------------------------------------------------
_CP1252_BYTES = {bytes([b]).decode("cp1252"): b for b in range(0x80, 0xA0) if b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)}
_TO_BYTE = {**{chr(b): b for b in range(256)}, **_CP1252_BYTES}
# a UTF-8 lead byte (Â..ô) read as cp1252/latin-1, followed by a continuation byte (0x80-0xBF)
_CONTINUATION = "".join(sorted(set(_CP1252_BYTES) | {chr(b) for b in range(0x80, 0xC0)}))
MOJIBAKE_HINT = re.compile(f"[\u00c2-\u00f4][{re.escape(_CONTINUATION)}]")


def repair_mojibake(text: str) -> str | None:
    """UTF-8 text that was read as cp1252/latin-1 ("Nguyá»…n"), repaired ("Nguyễn"); None otherwise.

    Accepted only when the whole text re-encodes to valid UTF-8 that holds a non-ASCII letter;
    up to three layers of wrong decoding are undone.
    """
    repaired = None
    current = text
    for _ in range(3):
        if current.isascii() or not MOJIBAKE_HINT.search(current):
            break
        try:
            decoded = bytes(_TO_BYTE[c] for c in current).decode("utf-8")
        except (KeyError, UnicodeDecodeError):
            break
        if not any(c.isalpha() and not c.isascii() for c in decoded):
            break
        repaired = current = unicodedata.normalize("NFC", decoded)
    return repaired
