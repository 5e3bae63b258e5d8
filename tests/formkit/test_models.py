"""Row models and the coercion of what spreadsheets hand over (property tests with hypothesis)."""
from __future__ import annotations

import unicodedata
from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError
from pydantic_core import PydanticCustomError

from sheets_tools.formkit.declaration import Column, TableSheet, get_form
from sheets_tools.core.values import coerce_choice, coerce_date, coerce_integer, coerce_number, coerce_text, date_to_serial, serial_to_date
from sheets_tools.formkit.models import row_model
from sheets_tools.core.text import normalize

DATES = st.dates(min_value=date(1910, 1, 1), max_value=date(2100, 12, 31))


def error_code(fn, *args) -> str:
    with pytest.raises(PydanticCustomError) as info:
        fn(*args)
    return info.value.type


# --- dates -------------------------------------------------------------------------------------
@given(DATES)
def test_date_text_round_trip(d):
    for text in (d.strftime("%d/%m/%Y"), f"{d.day}/{d.month}/{d.year}", d.strftime("%d-%m-%Y"),
                 d.strftime("%d.%m.%Y"), d.isoformat(), f" {d:%d/%m/%Y}\u00a0"):
        assert coerce_date(text) == d


@given(DATES, st.floats(min_value=0, max_value=0.999))
def test_date_serial_round_trip(d, time_part):
    serial = date_to_serial(d)
    assert serial_to_date(serial) == d
    assert coerce_date(float(serial)) == d
    assert coerce_date(serial + time_part) == d  # a datetime serial keeps its day


@given(st.datetimes(min_value=datetime(1910, 1, 1), max_value=datetime(2100, 1, 1)))
def test_datetime_becomes_date(dt):
    assert coerce_date(dt) == dt.date()


def test_known_serials():
    assert coerce_date(36526.0) == date(2000, 1, 1)  # what Excel shows for 36526
    assert coerce_date(61) == date(1900, 3, 1)


@pytest.mark.parametrize("bad", ["31/02/1990", "1990", "15/3/85", "abc", "2024-13-01", 1985, 1985.0, -3, 1e9,
                                 float("nan"), True])
def test_bad_dates(bad):
    assert error_code(coerce_date, bad) == "cell.bad_date"


@pytest.mark.parametrize("empty", [None, "", "   ", "\u00a0"])
def test_empty_is_none(empty):
    assert coerce_date(empty) is None
    assert coerce_integer(empty) is None
    assert coerce_number(empty) is None
    assert coerce_text(empty) is None


# --- integers and numbers ------------------------------------------------------------------------
@given(st.integers(min_value=-10**12, max_value=10**12))
def test_integer_round_trip(n):
    assert coerce_integer(n) == n
    assert coerce_integer(float(n)) == n  # calamine gives 7.0 for 7
    assert coerce_integer(f" {n} ") == n
    assert coerce_integer(f"{n},0") == n


@given(st.integers(min_value=-10**6, max_value=10**6), st.integers(min_value=1, max_value=99))
def test_fractional_is_not_integer(n, cents):
    assert error_code(coerce_integer, n + cents / 100) == "cell.bad_integer"


@pytest.mark.parametrize("bad", ["abc", "7.5", "7,5", "", "1 2 x", True])
def test_bad_integers(bad):
    if bad == "":
        assert coerce_integer(bad) is None
    else:
        assert error_code(coerce_integer, bad) == "cell.bad_integer"


@given(st.decimals(min_value=-10**9, max_value=10**9, places=3, allow_nan=False, allow_infinity=False))
def test_number_round_trip(d):
    text = f"{d:.3f}"
    assert coerce_number(text) == pytest.approx(float(d))
    assert coerce_number(text.replace(".", ",")) == pytest.approx(float(d))  # Vietnamese decimal comma
    assert coerce_number(float(d)) == float(d)


@pytest.mark.parametrize("text, expected", [("1,5", 1.5), ("1.5", 1.5), ("1.234,5", 1234.5), ("1,234.5", 1234.5),
                                            ("1.234.567", 1234567.0), ("-0,25", -0.25), (" 12 ", 12.0),
                                            ("95%", 95.0), ("99,5 %", 99.5)])
def test_number_formats(text, expected):
    assert coerce_number(text) == expected


@pytest.mark.parametrize("bad", ["abc", "1,5kg", "nan", "inf", float("inf"), "1e5", False, "%", "95%%"])
def test_bad_numbers(bad):
    assert error_code(coerce_number, bad) == "cell.bad_number"


# --- text and choices ---------------------------------------------------------------------------
@given(st.text())
def test_normalize_idempotent_and_nfc(s):
    once = normalize(s)
    assert normalize(once) == once
    assert unicodedata.is_normalized("NFC", once)
    assert once == once.strip()


def test_text_coercion():
    assert coerce_text(7.0) == "7"
    assert coerce_text(7) == "7"
    assert coerce_text(7.5) == "7.5"
    assert coerce_text(date(2024, 1, 31)) == "31/01/2024"
    nfd = unicodedata.normalize("NFD", "Nguyễn")
    assert nfd != "Nguyễn" and coerce_text(f"  {nfd}\u200b ") == "Nguyễn"


def test_choice_is_canonical():
    assert coerce_choice("  nữ ", ["Nam", "Nữ"]) == "Nữ"
    assert coerce_choice(unicodedata.normalize("NFD", "NỮ"), ["Nam", "Nữ"]) == "Nữ"
    assert error_code(coerce_choice, "Nu", ["Nam", "Nữ"]) == "cell.bad_choice"


# --- the row models ------------------------------------------------------------------------------
def errors(model, values) -> dict[str, tuple[str, dict]]:
    with pytest.raises(ValidationError) as info:
        model.model_validate(values)
    return {e["loc"][0]: (e["type"], e.get("ctx", {})) for e in info.value.errors()}


def person(**changes):
    values = {"family_name": "Nguyễn Văn", "given_name": "An", "birth_date": "15/03/1985", "sex": "nam",
              "position": None, "last_rating": "Hoàn thành tốt nhiệm vụ", "title": "Lao động tiên tiến",
              "award_form": None, "note": None}
    return {**values, **changes}


def test_row_model_coerces(shared_camp):
    model = row_model(get_form("registration").sheet("individuals"), shared_camp)
    row = model.model_validate(person(note=7.0, position="  Chuyên   viên "))
    assert row.birth_date == date(1985, 3, 15)
    assert row.sex == "Nam"
    assert row.note == "7"
    assert row.position == "Chuyên viên"


def test_row_model_is_cached(shared_camp):
    sheet = get_form("registration").sheet("individuals")
    assert row_model(sheet, shared_camp) is row_model(sheet, shared_camp)


def test_row_model_collects_every_error(shared_camp):
    model = row_model(get_form("registration").sheet("individuals"), shared_camp)
    found = errors(model, person(family_name=None, given_name="x" * 31, birth_date="32/01/1985", sex="Nu",
                                 title=None))
    assert found["family_name"][0] == "cell.required"
    assert found["given_name"] == ("cell.too_long", {"limit": 30})
    assert found["birth_date"][0] == "cell.bad_date"
    assert found["sex"][0] == "cell.bad_choice"
    assert found["title"][0] == "cell.required"


def test_missing_field_is_required(shared_camp):
    model = row_model(get_form("registration").sheet("individuals"), shared_camp)
    values = person()
    del values["given_name"]
    assert errors(model, values)["given_name"][0] == "cell.required"


@pytest.mark.parametrize("born", [date(1939, 12, 31), date(2009, 1, 1)])
def test_birth_date_range(shared_camp, born):
    model = row_model(get_form("registration").sheet("individuals"), shared_camp)  # min 1940, at least 16 in 2024
    assert errors(model, person(birth_date=born))["birth_date"] == (
        "cell.date_range", {"shown": born.strftime("%d/%m/%Y")})
    assert model.model_validate(person(birth_date=date(2008, 12, 31))).birth_date == date(2008, 12, 31)


def test_title_of_other_subject(shared_camp):
    model = row_model(get_form("registration").sheet("individuals"), shared_camp)
    code, ctx = errors(model, person(title="tập thể lao động xuất sắc"))["title"]
    assert code == "row.title_wrong_subject"
    assert ctx == {"expected": "tập thể", "subject": "cá nhân"}


def test_form_in_title_column(shared_camp):
    model = row_model(get_form("registration").sheet("individuals"), shared_camp)
    code, ctx = errors(model, person(title="Giấy khen của Giám đốc Sở (cá nhân)"))["title"]
    assert code == "row.title_is_form"
    assert ctx == {"actual": "hình thức khen thưởng", "expected": "danh hiệu thi đua",
                   "label": "Hình thức khen thưởng đăng ký"}


SCORES = TableSheet(key="scores", name="Điểm", heading="Điểm", rows=5, columns=(
    Column(field="count", label="Số lượng", type="integer", minimum=0, maximum=10),
    Column(field="score", label="Điểm", type="number", minimum=0, maximum=2.5, required=True),
))


def test_integer_and_number_columns(shared_camp):
    model = row_model(SCORES, shared_camp)
    row = model.model_validate({"count": 7.0, "score": "1,75"})
    assert (row.count, row.score) == (7, 1.75)
    assert isinstance(row.count, int)
    found = errors(model, {"count": "7,5", "score": "abc"})
    assert found == {"count": ("cell.bad_integer", {}), "score": ("cell.bad_number", {})}
    found = errors(model, {"count": 11, "score": -1})
    assert found["count"] == ("cell.out_of_range", {"range": " (từ 0 đến 10)"})
    assert found["score"] == ("cell.out_of_range", {"range": " (từ 0 đến 2,5)"})

