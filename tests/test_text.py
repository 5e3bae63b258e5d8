import re
import unicodedata

from hypothesis import given, strategies as st

from sheets_tools.text import fold, normalize

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
