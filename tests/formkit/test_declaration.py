import pytest
from pydantic import ValidationError

from sheets_tools.formkit.declaration import Form, describe, load_forms


def test_registration_declaration():
    form = load_forms()["registration"]
    assert [s.key for s in form.sheets] == ["collectives", "individuals", "movements", "targets"]
    # the targets came later: optional (a January file without them loads), rows given by the office
    assert [s.key for s in form.sheets if s.optional or s.prefill] == ["targets"]
    individuals = form.sheet("individuals")
    labels = [c.label for c in individuals.columns]
    assert labels[:3] == ["Họ và tên đệm", "Tên", "Ngày sinh"]
    assert individuals.column("family_name").letter == "B"
    assert individuals.last_row == individuals.first_row + individuals.rows - 1
    assert all(len(s.name) <= 31 for f in load_forms().values() for s in f.sheets)


def test_describe_shape_and_choices(shared_sample):
    (form,) = [f for f in describe(shared_sample) if f["id"] == "registration"]
    assert set(form) >= {"id", "version", "sheets"}
    sheet = next(s for s in form["sheets"] if s["name"] == "Cá nhân")
    assert set(sheet) >= {"name", "header_row", "first_row", "last_row", "columns"}
    col = next(c for c in sheet["columns"] if c["field"] == "title")
    assert set(col) >= {"column", "field", "label", "type", "required", "choices"}
    assert "Lao động tiên tiến" in col["choices"]
    assert "Tập thể lao động tiên tiến" not in col["choices"]
    assert next(c for c in sheet["columns"] if c["field"] == "given_name")["choices"] is None


def _decl(**sheet):
    base = {"key": "a", "name": "A", "heading": "h", "rows": 5,
            "columns": [{"field": "x", "label": "X", "type": "text"}]}
    base.update(sheet)
    return {"id": "f", "version": 1, "name": "F", "title": "T", "deadline": "registration", "sheets": [base]}


@pytest.mark.parametrize("sheet", [
    {"name": "Một tên trang tính dài hơn ba mươi mốt ký tự"},
    {"name": "A/B"},
    {"columns": [{"field": "x", "label": "X", "type": "choice"}]},
    {"columns": [{"field": "x", "label": "X", "type": "text"}, {"field": "x", "label": "Y", "type": "text"}]},
    {"unique": [["nope"]]},
])
def test_bad_declarations_are_refused(sheet):
    with pytest.raises(ValidationError):
        Form.model_validate(_decl(**sheet))


def test_adding_a_column_is_one_edit():
    decl = _decl()
    decl["sheets"][0]["columns"].append({"field": "y", "label": "Y", "type": "integer"})
    form = Form.model_validate(decl)
    assert form.sheets[0].column("y").letter == "C"
