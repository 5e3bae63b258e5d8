"""The sample for today (``init DIR --sample daklak [--year YEAR]``): the units after the 2025 reform, the
calendar, movements and decree of that year, and a newcomer's ``issue``; ``issue`` on a day every window is
closed says which ``--today`` to use."""
from __future__ import annotations

from datetime import date

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from sheets_tools.campaign import workbook as campaign_mod
from sheets_tools.cli import main
from sheets_tools.formkit.declaration import get_form

DECREE_152 = "Nghị định số 152/2025/NĐ-CP"
COMMUNE_BLOCK = "Khối cấp xã (minh họa)"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def form_files(folder, form_id):
    """The unit codes whose outbox holds ``form_id``'s workbook."""
    name = get_form(form_id).name
    return {p.parent.name for p in (folder / "outbox").glob("*/*.xlsx") if p.name.startswith(name)}


@pytest.mark.parametrize("year", [2026, 2027])
def test_init_daklak_of_a_year_makes_the_units_after_the_reform_with_that_years_calendar(tmp_path, year):
    folder = tmp_path / f"dot-{year}"
    made = run("init", folder, "--sample", "daklak", "--year", year)
    assert made.exit_code == 0, made.output

    camp = campaign_mod.load(folder)
    assert camp.info.year == year and camp.id == f"daklak-{year}"
    names = [u.name for u in camp.units]
    assert not [n for n in names if "Phòng Tư pháp" in n]  # the district offices were abolished in 2025
    communes = [u for u in camp.units if u.block == COMMUNE_BLOCK]
    assert 5 <= len(communes) <= 6 and all(u.name.startswith("Văn phòng HĐND và UBND ") for u in communes)
    assert {"Văn phòng HĐND và UBND phường Buôn Ma Thuột", "Văn phòng HĐND và UBND xã Ea Kar",
            "Văn phòng HĐND và UBND phường Tuy Hòa"} <= set(names)
    assert all("minh họa" in u.kind for u in communes)
    assert {"Văn phòng Sở", "Trung tâm Trợ giúp pháp lý nhà nước"} <= set(names)  # the Department's own
    # the criteria and indicators of the commune block
    assert camp.criteria_of(communes[0]) is not None
    assert [i.code for i in camp.indicators_of(communes[0])] == ["CT01", "CT02", "CT03", "CT05"]
    # the calendar of that year, as the 2024 sample's windows
    dates = {d.form: (d.date, d.opens) for d in camp.deadlines}
    # (the registration and the initiatives go out from 1 December before: the year's launch)
    assert dates["registration"] == (date(year, 1, 31), date(year - 1, 12, 1))
    assert dates["initiatives"] == (date(year, 2, 28), date(year - 1, 12, 1))
    assert [d.date for d in camp.deadlines] == [date(year, 1, 31), date(year, 2, 28), date(year, 6, 30),
                                                 date(year, 10, 31), date(year, 11, 30)]
    # the decree of a campaign after 01/07/2025, in the setting and the catalogue's sources
    assert camp.settings["decree"] == DECREE_152 and camp.decree == DECREE_152
    item = next(c for c in camp.catalogue if c.code == "CSTDCS")
    assert DECREE_152 in item.figures_basis and DECREE_152 in camp.basis(item)
    # movements name the year
    assert not [m for m in camp.movements if "2024" in m.name + m.period]
    assert str(year) in camp.movements[0].name
    # the note says the commune units are illustrative
    info = load_workbook(folder / campaign_mod.CAMPAIGN_FILE)["Thông tin chung"]
    note = next(c.value for c in info["A"] if str(c.value).startswith("Dữ liệu mẫu"))
    assert "minh họa" in note and "01/07/2025" in note and "daklak-2024" not in note

    # a newcomer's issue in the registration window sends the registration to every unit
    issued = run("issue", folder, "--today", f"15/01/{year}")
    assert issued.exit_code == 0, issued.output
    assert form_files(folder, "registration") == {u.code for u in camp.units}


def test_init_daklak_alone_is_the_campaign_running_today(tmp_path):
    from sheets_tools.campaign.samples import campaign_year

    made = run("init", tmp_path / "dot", "--sample", "daklak")
    assert made.exit_code == 0, made.output
    camp = campaign_mod.load(tmp_path / "dot")
    today = date.today()
    expected = today.year + 1 if (today.month, today.day) >= (12, 1) else today.year
    assert camp.info.year == expected and camp.deadline("yearend").year == expected
    # until 30/11 this year's campaign; from 1 December the next year's, whose registration is going out
    assert [campaign_year(date(2026, m, d)) for m, d in ((1, 15), (11, 30), (12, 1), (12, 31))] == \
        [2026, 2026, 2027, 2027]


def test_a_newcomer_in_december_sends_the_next_years_registration(tmp_path):
    folder = tmp_path / "dot-2027"
    assert run("init", folder, "--sample", "daklak", "--year", "2027").exit_code == 0
    issued = run("issue", folder, "--today", "03/12/2026")
    assert issued.exit_code == 0, issued.output
    camp = campaign_mod.load(folder)
    assert form_files(folder, "registration") == {u.code for u in camp.units}


def test_the_2024_sample_stays_and_years_that_do_not_fit_a_sample_are_usage_errors(tmp_path):
    assert run("init", tmp_path / "old", "--sample", "daklak-2024").exit_code == 0
    camp = campaign_mod.load(tmp_path / "old")
    assert camp.info.year == 2024 and len(camp.units) == 24
    assert len([u for u in camp.units if u.name.startswith("Phòng Tư pháp ")]) == 15
    assert camp.decree == "Nghị định số 98/2023/NĐ-CP"

    wrong = run("init", tmp_path / "a", "--sample", "daklak-2024", "--year", "2026")
    assert wrong.exit_code == 2 and "--sample daklak --year 2026" in wrong.output
    early = run("init", tmp_path / "b", "--sample", "daklak", "--year", "2024")
    assert early.exit_code == 2 and "daklak-2024" in early.output
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()


# --- issue when no window is open ----------------------------------------------------------------------
def test_issue_before_every_window_suggests_the_day_the_next_one_opens(camp):
    result = run("issue", camp.dir, "--today", "01/01/2024")
    assert result.exit_code == 0, result.output
    command = f"sheets-tools issue {camp.dir} --today 02/01/2024"
    assert f"Biểu mẫu gần nhất mở ngày 02/01/2024: {command}" in result.output
    assert "--form" in result.output and not (camp.dir / "outbox").exists()
    # the command it suggests sends the forms of that day
    follow = run("issue", camp.dir, "--today", "02/01/2024")
    assert follow.exit_code == 0 and form_files(camp.dir, "registration") == {u.code for u in camp.units}


def test_issue_after_every_window_suggests_today_with_the_first_opening(camp):
    result = run("issue", camp.dir, "--today", "15/12/2024")
    assert result.exit_code == 0, result.output
    assert f"kỳ gửi đầu tiên mở ngày 02/01/2024: sheets-tools issue {camp.dir} --today 02/01/2024" in result.output
    assert "--form" in result.output and not (camp.dir / "outbox").exists()
