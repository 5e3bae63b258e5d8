"""excel.columns gives what openpyxl's column helpers give, over their whole range, without importing
openpyxl."""
from __future__ import annotations

import pytest
from openpyxl.utils import column_index_from_string, get_column_letter

from sheets_tools.excel.columns import MAX_COLUMN, column_letter, column_number


def test_every_column_as_openpyxl_names_it():
    for n in range(1, MAX_COLUMN + 1):
        letters = column_letter(n)
        assert letters == get_column_letter(n)
        assert column_number(letters) == column_index_from_string(letters) == n
        assert column_number(letters.lower()) == n


@pytest.mark.parametrize("bad", [0, -1, MAX_COLUMN + 1, 1.0, "1", None, True])
def test_a_number_out_of_range_is_refused(bad):
    with pytest.raises(ValueError):
        column_letter(bad)


@pytest.mark.parametrize("bad", ["", "AAAA", "A1", "1", "Ă", "ǅ", " A", None, 5])
def test_a_text_that_is_no_column_is_refused(bad):
    with pytest.raises(ValueError):
        column_number(bad)
