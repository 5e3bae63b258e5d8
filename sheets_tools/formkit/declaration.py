"""Form declarations: one TOML file per form in ``sheets_tools/forms/``, beside its rules module.

A declaration lists the form's input sheets and, for each, its columns. The same objects
drive the generated workbook (build), the reader (intake), the row models (models) and
``templates describe``. The sheet layout (where the header and the input rows are) is
fixed here, so every form looks the same and a declaration only says what is new.
"""
from __future__ import annotations

from datetime import date
from functools import cache, cached_property
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from sheets_tools.excel.columns import column_letter
from sheets_tools.formkit.files import declarations

if TYPE_CHECKING:
    from sheets_tools.campaign.model import Campaign

# --- fixed layout of every input sheet ---------------------------------------------------
# rows 1-2: agency block (left) and national motto block (right); row 4: title;
# row 5: heading of the part and the deadline; row 6: unit name; row 7: unit code;
# row 8: column labels; from row 9: input rows. Column A holds the row number (STT).

UNIT_NAME_ROW = 6
UNIT_CODE_ROW = 7
UNIT_VALUE_COL = 3  # C6 / C7 hold the unit's name and code (B6/B7 their labels)
HEADER_ROW = 8
FIRST_ROW = 9
FIRST_COL = 2  # column B: the first declared column; A is "STT"
ROW_NUMBER_LABEL = "STT"

# --- hidden identification -----------------------------------------------------------------
ID_SHEET = "_id"  # hidden sheet: key in column A, value in column B
LIST_SHEET = "_ds"  # hidden sheet holding the dropdown lists
ID_KEYS = ("form", "version", "campaign", "unit")
DEFINED_NAME_PREFIX = "st_"  # defined names st_form, st_version, st_campaign, st_unit
PROPERTY_PREFIX = "sheets_tools_"  # custom document properties sheets_tools_form, ...

ColumnType = Literal["text", "date", "integer", "number", "choice"]
CatalogueRef = Literal["title:individual", "title:collective", "form:individual", "form:collective", "movement"]


class Column(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    field: str
    label: str
    type: ColumnType
    required: bool = False
    width: float = 15
    max_length: int = 255
    alphabetic: bool = False  # text that must hold letters (a name, not "123")
    choices: tuple[str, ...] | None = None  # a fixed list
    catalogue: CatalogueRef | None = None  # or a list taken from the campaign
    # or a list of the campaign's sheet "Danh mục" by its name; ``choices`` are used while it has none
    list: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    min_date: date | None = None
    max_age_years: int | None = None  # dates: at least this many years before the campaign year
    prefilled: bool = False  # written by the office (from campaign data), locked: not an input
    maximum_field: str | None = None  # numbers: at most the value of this column in the same row
    letter: str = ""  # set by the sheet from the column's position

    @model_validator(mode="after")
    def _choice_source(self) -> "Column":
        if self.type == "choice" and not (self.choices or self.catalogue):
            raise ValueError(f"column {self.field}: a choice column needs choices or catalogue")
        if self.list and not self.choices:
            raise ValueError(f"column {self.field}: a campaign list needs default choices")
        if self.type != "choice" and (self.choices or self.catalogue):
            raise ValueError(f"column {self.field}: only choice columns have choices")
        return self


class TableSheet(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str
    name: str = Field(max_length=31)
    heading: str
    rows: int = Field(gt=0, le=5000)
    columns: tuple[Column, ...]
    subject: Literal["individual", "collective"] | None = None
    unique: tuple[tuple[str, ...], ...] = ()
    unique_across_units: tuple[str, ...] = ()
    what: str = "Dòng"  # how a row is named in messages; str.format() over the row's values
    # rows given by the office for each unit (e.g. "criteria"): the form's rules module lists them
    # (``prefill``); ``rows`` is then the most there can be
    prefill: str | None = None
    # a sheet added in a later version: a returned file without it is read as having no rows there
    optional: bool = False

    @field_validator("name")
    @classmethod
    def _sheet_name(cls, v: str) -> str:
        if any(ch in v for ch in "[]:*?/\\") or v.startswith("'") or v.startswith("_"):
            raise ValueError(f"sheet name not allowed in Excel: {v!r}")
        return v

    @model_validator(mode="after")
    def _letters(self) -> "TableSheet":
        fields = [c.field for c in self.columns]
        if len(set(fields)) != len(fields):
            raise ValueError(f"sheet {self.key}: duplicate field")
        for group in (*self.unique, self.unique_across_units):
            for f in group:
                if f not in fields:
                    raise ValueError(f"sheet {self.key}: unknown field {f}")
        cols = tuple(c.model_copy(update={"letter": column_letter(FIRST_COL + i)})
                     for i, c in enumerate(self.columns))
        object.__setattr__(self, "columns", cols)
        return self

    @property
    def header_row(self) -> int:
        return HEADER_ROW

    @property
    def first_row(self) -> int:
        return FIRST_ROW

    @property
    def last_row(self) -> int:
        return FIRST_ROW + self.rows - 1

    @property
    def last_col(self) -> int:
        return FIRST_COL + len(self.columns) - 1

    @cached_property
    def column_map(self) -> dict[str, Column]:
        return {c.field: c for c in self.columns}

    @cached_property
    def inputs(self) -> tuple[Column, ...]:
        """The columns a unit fills in (not prefilled)."""
        return tuple(c for c in self.columns if not c.prefilled)

    def column(self, field: str) -> Column:
        return self.column_map[field]


class Form(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    version: int
    name: str
    title: str  # may hold {year}
    # key of the campaign's deadline for this form; none: a form units send any day of the year
    # ("thường xuyên": never late, never reminded, sent out only when named with --form)
    deadline: str | None = None
    order: int = 100  # place in the year's cycle (lists, status, master)
    # what the later stages take from this form: "unit_scores" (the year-end ranking reads the form's
    # ``unit_totals`` hook), "award_proposal" (its ``proposal_lines`` hook feeds the council and the decision)
    role: Literal["", "unit_scores", "award_proposal"] = ""
    sheets: tuple[TableSheet, ...]

    @property
    def regular(self) -> bool:
        """Sent any day of the year ("thường xuyên"): no deadline, never late, never reminded."""
        return self.deadline is None

    @model_validator(mode="after")
    def _distinct(self) -> "Form":
        for attr in ("key", "name"):
            values = [getattr(s, attr) for s in self.sheets]
            if len(set(values)) != len(values):
                raise ValueError(f"form {self.id}: duplicate sheet {attr}")
        return self

    def sheet(self, key: str) -> TableSheet:
        return next(s for s in self.sheets if s.key == key)


@cache
def load_forms() -> dict[str, Form]:
    """All form declarations shipped in ``sheets_tools/forms/``, by id."""
    forms: dict[str, Form] = {}
    raw = declarations()
    for data in raw.values():
        # "sheets_from": the same sheets as another form (e.g. the year-end report as the mid-year one)
        if "sheets_from" in data:
            data = dict(data)
            data["sheets"] = raw[data.pop("sheets_from")]["sheets"]
        form = Form.model_validate(data)
        forms[form.id] = form
    return dict(sorted(forms.items(), key=lambda item: (item[1].order, item[0])))


def get_form(form_id: str) -> Form:
    return load_forms()[form_id]


def resolve_choices(column: Column, campaign: "Campaign | None") -> list[str] | None:
    """The allowed values of a choice column (catalogue lists come from the campaign)."""
    if column.list and campaign is not None and (items := campaign.list_items(column.list)):
        return [item.value for item in items]
    if column.choices:
        return list(column.choices)
    if column.catalogue and campaign is not None:
        return campaign.catalogue_names(column.catalogue)
    return None


def describe(campaign: "Campaign | None" = None) -> list[dict]:
    """The machine-readable description printed by ``templates describe --json``."""
    out = []
    for form in load_forms().values():
        sheets = []
        for s in form.sheets:
            sheets.append({
                "name": s.name, "header_row": s.header_row, "first_row": s.first_row,
                "last_row": s.last_row,
                "columns": [{"column": c.letter, "field": c.field, "label": c.label, "type": c.type,
                             "required": c.required, "choices": resolve_choices(c, campaign)}
                            for c in s.columns],
            })
        out.append({"id": form.id, "version": form.version, "name": form.name, "sheets": sheets})
    return out
