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


# Control characters a unit's text never needs (they are removed, with a warning where a unit typed them):
# C0 except tab and newline, DEL and C1 (terminal escapes such as ESC and CSI, bells, NUL: they garble a
# terminal, and Excel refuses most of them in a cell); the bidirectional embeddings, overrides, isolates and
# marks (U+202A-U+202E, U+2066-U+2069, U+200E, U+200F, U+061C): Vietnamese is written left to right, and these
# make a name or a number display in another order than it is stored. Line and paragraph separators
# (U+2028, U+2029), like the other whitespace controls, become one space in ``normalize``.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# those that are not whitespace: what ``clean`` removes besides what ``normalize`` does
_NOT_SPACE_CONTROLS = re.compile("[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f\u061c\u200e\u200f\u202a-\u202e"
                                 "\u2066-\u2069]")


def has_controls(value: str) -> bool:
    """Whether ``value`` holds a control character a unit's text never needs (not tab, newline or space)."""
    return not value.isprintable() and _NOT_SPACE_CONTROLS.search(value) is not None  # isprintable: the fast path


def strip_controls(value: str) -> str:
    """``value`` without control characters, tab and newline kept (the other whitespace controls become spaces)."""
    if _CONTROLS.search(value) is None:
        return value
    return _NOT_SPACE_CONTROLS.sub("", value).replace("\r\n", "\n").translate(_SPACE_CONTROLS)


_SPACE_CONTROLS = {c: " " for c in (0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x1F, 0x85)}


def clean(value: str) -> str:
    """``normalize`` with the control characters removed: how every text a unit typed is read."""
    if has_controls(value):
        value = _NOT_SPACE_CONTROLS.sub("", value)
    return normalize(value)


def fold(value: str) -> str:
    """A comparison key: normalised, case-folded and the tone mark placed one way (``same_tones``).

    It keeps diacritics ("Hà" != "Ha", "Thủy" != "Thúy"); NFC or NFD, case, repeated spaces and the old
    or new tone placement ("Thuỷ"/"Thủy", "Hoà"/"Hòa", "Khoẻ"/"Khỏe") give the same key.
    """
    if type(value) is str:  # labels, names and choices repeat across rows and files: each folded once
        known = _FOLDED.get(value)
        if known is None:
            known = same_tones(normalize(value).casefold())
            if len(_FOLDED) >= _MEMO_SIZE:
                _FOLDED.clear()
            _FOLDED[value] = known
        return known
    return same_tones(normalize(value).casefold())


_MEMO_SIZE = 8192  # texts whose folded key is remembered (a plain dict, emptied when full)
_FOLDED: dict[str, str] = {}


# A tone mark on the o of "oa", "oă", "oe" or on the u of "uy" (the new placement, or a slip): in one
# syllable the tone is the same wherever it is written, so the key puts it on the second vowel, as the old
# placement does ("hoà", "khoẻ", "thuỷ", and "hoàn", "quý" that both placements write alike).
_FIRST_TONED = re.compile("[òóỏõọ][aăe]|[ùúủũụ]y", re.IGNORECASE)
_TONE = "[\u0300\u0301\u0303\u0309\u0323]"
_MOVE_TONE = re.compile(f"([oO])({_TONE})([aA]\u0306|[aAeE])(?![\u0300-\u036f])"
                        f"|([uU])({_TONE})([yY])(?![\u0300-\u036f])")


def same_tones(text: str) -> str:
    """``text`` (NFC) with the tone of "oa", "oă", "oe" and "uy" always on the second vowel ("thủy" -> "thuỷ").

    Only the placement changes, never a letter or a tone; a key stored before the placement was made
    one (a ledger's row key, a history's person key) becomes the current key through it.
    """
    if _FIRST_TONED.search(text) is None:
        return text
    moved = _MOVE_TONE.sub(_tone_after, unicodedata.normalize("NFD", text))
    return unicodedata.normalize("NFC", moved)


def _tone_after(match: re.Match) -> str:
    first, tone, second = match.groups()[:3] if match.group(1) else match.groups()[3:]
    return first + second + tone


def person_key(full_name: str) -> str:
    """A full name as a comparison key: folded, titles like "Ông"/"Bà"/"đồng chí" dropped."""
    words = fold(full_name).replace(".", " ").split()
    while len(words) > 2 and (words[0] in _HONORIFICS or words[:2] == ["đồng", "chí"]):
        words = words[2:] if words[0] == "đồng" else words[1:]
    return " ".join(words)


_HONORIFICS = {"ông", "bà", "anh", "chị", "đ/c", "đc"}


# --- Vietnamese alphabetical order (domain.md §5) ---------------------------------------------
# The Vietnamese alphabet, with f, j, w, z (foreign and minority names) at their Latin places.
_ALPHABET = "a ă â b c d đ e ê f g h i j k l m n o ô ơ p q r s t u ư v w x y z".split()
_LETTER_RANK = {letter: rank for rank, letter in enumerate(_ALPHABET, start=1)}
# letter modifiers: they make a different letter (a -> ă, â; e -> ê; o -> ô, ơ; u -> ư)
_MODIFIERS = {"\u0306", "\u0302", "\u031b"}
# tone marks in the dictionary's order: none, huyền, hỏi, ngã, sắc, nặng
_TONE_RANK = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_OTHER = 1000  # characters outside the alphabet sort after every letter (by code point)


def _letters(text: str) -> list[tuple[str, list[int]]]:
    """(base letter incl. its modifier, tone ranks) per character of the folded NFD text."""
    out: list[tuple[str, list[int]]] = []
    for ch in unicodedata.normalize("NFD", normalize(text).casefold()):
        if out and unicodedata.combining(ch):
            base, tones = out[-1]
            if ch in _MODIFIERS and unicodedata.normalize("NFC", base + ch) in _LETTER_RANK:
                out[-1] = (unicodedata.normalize("NFC", base + ch), tones)
            else:  # a tone, or a foreign mark (ç, ü): secondary only, after the five tones
                tones.append(_TONE_RANK.get(ch, 6 + ord(ch)))
        else:
            out.append((ch, []))
    return out


def vn_key(text: str) -> tuple:
    """A sort key in Vietnamese alphabetical order (a ă â b c d đ e ê g h ...).

    Letters compare first by base letter (ă, â, đ, ê, ô, ơ, ư are letters of their own);
    tone marks only break ties, in the order none, huyền, hỏi, ngã, sắc, nặng, per word.
    Case-insensitive; NFC and NFD input give the same key; a space sorts before any letter
    (word by word: "An Bình" < "Anh"); other characters sort after the letters.
    """
    primary: list[int] = []
    tones: list[tuple[int, ...]] = []
    word: list[int] = []
    for base, marks in _letters(text):
        if base.isspace():
            primary.append(0)
            tones.append(tuple(word) or (0,))
            word = []
            continue
        primary.append(_LETTER_RANK.get(base, _OTHER + ord(base)))
        word.extend(marks)
    tones.append(tuple(word) or (0,))
    return tuple(primary), tuple(tones)


def split_name(full: str) -> tuple[str, str]:
    """(family and middle names, given name) of a Vietnamese full name: the last word is the given name.

    Use it only when the two parts were not entered apart (names of some ethnic groups put
    the family name last: "Y Kông Êban").
    """
    words = normalize(full).split(" ")
    return (" ".join(words[:-1]), words[-1]) if words != [""] else ("", "")


def vn_name_key(family_name: str, given_name: str) -> tuple:
    """Sort key for people: given name first, then family and middle names, Vietnamese order."""
    return vn_key(given_name), vn_key(family_name)
