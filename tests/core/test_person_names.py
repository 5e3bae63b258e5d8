"""The comparison key of a person's name: one key for the old and new tone placement, NFC or NFD, case and
repeated spaces; another key for another letter or another tone."""
from __future__ import annotations

import unicodedata
from datetime import date

import pytest

from sheets_tools.core.text import fold, normalize, person_key
from sheets_tools.store import history


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


SAME = [
    ("Thủy", "Thuỷ"), ("Hòa", "Hoà"), ("Khỏe", "Khoẻ"), ("Tùy", "Tuỳ"), ("Ủy", "Uỷ"), ("Thụy", "Thuỵ"),
    ("Xòe", "Xoè"), ("Hóa", "Hoá"), ("Quý", "Qúy"), ("Họăc", "Hoặc"), ("Hòan", "Hoàn"), ("Khủyu", "Khuỷu"),
    (nfd("Nguyễn Thị Thủy"), "Nguyễn Thị Thủy"), (nfd("Nguyễn Thị Thuỷ"), "Nguyễn Thị Thủy"),
    ("Nguyễn  Văn  A", "nguyễn văn a"), ("NGUYỄN THỊ THỦY", "nguyễn thị thuỷ"), (" Lê\u00a0Thị Hoà ", "lê thị hòa"),
]
DIFFERENT = [
    ("Thủy", "Thúy"), ("Thủy", "Thuy"), ("Thủy", "Thụy"), ("Hòa", "Hóa"), ("Hòa", "Hoa"), ("Hà", "Ha"),
    ("Hoà", "Hoâ"), ("Thuỷ", "Thuý"), ("Khỏe", "Khóe"), ("Quý", "Quỳ"), ("Tuấn", "Tuân"),
]


@pytest.mark.parametrize("a, b", SAME)
def test_same_person_under_another_spelling(a, b):
    assert fold(a) == fold(b)
    assert person_key(f"Bà Nguyễn Thị {a}") == person_key(f"nguyễn thị {b}")


@pytest.mark.parametrize("a, b", DIFFERENT)
def test_another_letter_or_tone_is_another_person(a, b):
    assert fold(a) != fold(b)
    assert person_key(a) != person_key(b)


def test_history_key_and_display_keep_apart():
    """The history's key is one for both placements; the name as typed is not changed."""
    born = date(1984, 6, 12)
    assert history.person_key("Nguyễn Thị", "Thủy", born) == history.person_key(nfd("nguyễn  thị"), "THUỶ", born)
    assert history.person_key("Nguyễn Thị", "Thủy", born) != history.person_key("Nguyễn Thị", "Thúy", born)
    assert normalize("Thủy") == "Thủy" and normalize("Thuỷ") == "Thuỷ"


def test_the_key_is_idempotent_and_nfc():
    for a, b in SAME + DIFFERENT:
        for text in (a, b):
            key = fold(text)
            assert fold(key) == key and unicodedata.is_normalized("NFC", key)
