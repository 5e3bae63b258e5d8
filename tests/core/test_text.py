import re
import unicodedata

from hypothesis import given, strategies as st

from sheets_tools.core.text import fold, normalize

_SPACES = re.compile(r"[\s\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)


def reference(value: str) -> str:
    """The plain definition normalize() must equal (it only adds fast paths)."""
    return unicodedata.normalize("NFC", _SPACES.sub(" ", value.translate(_INVISIBLE))).strip()


VIETNAMESE = st.text(alphabet=st.sampled_from(list("aăâeêioôơuưyđAĂÂĐ ") + ["\u0300", "\u0301", "\u0303",
                     "\u0309", "\u0323", "\u00a0", "\u200b", "\t", "\n", "\u3000", "\ufeff"]), max_size=40)


@given(st.one_of(st.text(max_size=40), VIETNAMESE))
def test_normalize_equals_its_definition(value):
    assert normalize(value) == reference(value)


@given(VIETNAMESE)
def test_normalize_is_idempotent_and_nfc(value):
    once = normalize(value)
    assert normalize(once) == once
    assert unicodedata.is_normalized("NFC", once)


def test_decomposed_name_compares_equal():
    nfd = unicodedata.normalize("NFD", "Nguyễn\u00a0Văn  An")
    assert nfd != "Nguyễn Văn An"
    assert normalize(nfd) == "Nguyễn Văn An"
    assert fold(nfd) == fold("NGUYỄN VĂN AN")


# --- Vietnamese order -----------------------------------------------------------------------------
from sheets_tools.core.text import split_name, vn_key, vn_name_key


def test_vietnamese_alphabet_and_tones():
    expected = ["Anh", "Ánh", "Ăn", "Ân", "Bình", "Dũng", "Đức", "Ê", "Ô", "Ơn", "Uyên", "Ưng"]
    assert sorted(reversed(expected), key=vn_key) == expected
    assert sorted(["Đức", "Dũng"]) == ["Dũng", "Đức"]  # Python happens to be right here ...
    assert sorted(["Ân", "Ăn", "Anh", "Ánh", "Bình"]) != ["Anh", "Ánh", "Ăn", "Ân", "Bình"]  # ... not here
    assert sorted(["Bình", "Ân"]) != sorted(["Bình", "Ân"], key=vn_key) == ["Ân", "Bình"]
    assert sorted(["Đức", "Em"]) != sorted(["Đức", "Em"], key=vn_key) == ["Đức", "Em"]


def test_tones_only_break_ties_in_their_order():
    tones = ["ma", "mà", "mả", "mã", "má", "mạ"]  # none, huyền, hỏi, ngã, sắc, nặng
    assert sorted(reversed(tones), key=vn_key) == tones
    assert sorted(["mạ", "mab"], key=vn_key) == ["mạ", "mab"]  # the letters decide first
    assert vn_key("hoà") == vn_key("hòa")  # old and new tone placement are the same word


def test_key_ignores_case_and_normal_form():
    for word in ["Nguyễn", "Đặng", "Ưởng", "Hoàng Thị Lan"]:
        nfd = unicodedata.normalize("NFD", word)
        assert nfd != word
        assert vn_key(nfd) == vn_key(word) == vn_key(word.upper()) == vn_key(word.lower())


def test_spaces_first_other_characters_after_letters():
    assert sorted(["Anh", "An Bình"], key=vn_key) == ["An Bình", "Anh"]
    assert sorted(["1 Khánh", "Zô", "-", "Yến"], key=vn_key) == ["Yến", "Zô", "-", "1 Khánh"]
    assert sorted(["ÿz", "yb", "ya"], key=vn_key) == ["ya", "yb", "ÿz"]  # a foreign mark is like a tone


@given(st.lists(VIETNAMESE, max_size=8))
def test_sort_by_vn_key_is_stable_under_normal_form(words):
    nfd = [unicodedata.normalize("NFD", w) for w in words]
    assert [normalize(w) for w in sorted(nfd, key=vn_key)] == [normalize(w) for w in sorted(words, key=vn_key)]


def test_names_sort_by_given_name_then_family():
    people = ["Nguyễn Văn Bình", "Trần Thị An", "Lê Ánh"]
    assert sorted(people, key=lambda n: vn_name_key(*split_name(n))) == ["Trần Thị An", "Lê Ánh", "Nguyễn Văn Bình"]
    assert sorted(people) != ["Trần Thị An", "Lê Ánh", "Nguyễn Văn Bình"]
    same = ["Trần Văn An", "Đỗ Thị An", "Lê An", "Dương An"]
    assert sorted(same, key=lambda n: vn_name_key(*split_name(n))) == ["Dương An", "Đỗ Thị An", "Lê An",
                                                                       "Trần Văn An"]
    assert vn_name_key("Nguyễn Văn", "Ánh") > vn_name_key("Trần", "Anh")


def test_split_name():
    assert split_name(" Nguyễn\u00a0Văn  An ") == ("Nguyễn Văn", "An")
    assert split_name("An") == ("", "An")
    assert split_name("") == ("", "")
