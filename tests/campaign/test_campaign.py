from datetime import date

import pytest
from openpyxl import load_workbook

from sheets_tools.campaign import workbook as campaign
from sheets_tools.campaign import writer as campaign_writer
from sheets_tools.core.findings import message


def test_sample_follows_seed_000(tmp_path):
    campaign_writer.create(tmp_path, sample="daklak-2024")
    camp = campaign.load(tmp_path)
    assert camp.id == "daklak-2024"
    assert camp.info.year == 2024
    assert camp.deadline("registration") == date(2024, 1, 31)
    assert camp.deadline("initiatives") == date(2024, 2, 28)
    districts = [u for u in camp.units if u.kind == "Phòng Tư pháp cấp huyện"]
    assert len(districts) == 15
    assert camp.unit_by_name("Phòng Tư pháp huyện M'Drắk").code == "PTP-MD"
    assert "Văn phòng Sở" in [u.name for u in camp.units]
    assert "Chiến sĩ thi đua cơ sở" in camp.catalogue_names("title:individual")
    assert "Tập thể lao động xuất sắc" in camp.catalogue_names("title:collective")
    assert all(item.legal_basis for item in camp.catalogue)
    assert len(camp.movements) >= 5


def test_sample_campaign_object_equals_the_workbook(tmp_path):
    campaign_writer.create(tmp_path, sample="daklak-2024")
    loaded = campaign.load(tmp_path)
    built = campaign.sample_campaign("daklak-2024", tmp_path)
    assert loaded.units == built.units
    assert loaded.catalogue == built.catalogue
    assert loaded.deadlines == built.deadlines


def test_empty_campaign_reports_what_to_fill(tmp_path):
    campaign_writer.create(tmp_path)
    with pytest.raises(campaign.CampaignError) as exc:
        campaign.load(tmp_path)
    cells = {(f.sheet, f.cell) for f in exc.value.findings}
    assert ("Thông tin chung", "B2") in cells  # campaign id
    assert ("Thời hạn", "C2") in cells  # registration deadline


def test_mistakes_are_reported_by_sheet_and_cell(tmp_path):
    campaign_writer.create(tmp_path, sample="daklak-2024")
    path = tmp_path / "campaign.xlsx"
    wb = load_workbook(path)
    wb["Đơn vị"]["E3"] = "khong-phai-email"
    wb["Đơn vị"]["A5"] = "VP"  # duplicate code
    wb["Danh hiệu - Hình thức"]["D2"] = "Cả hai"
    wb["Thời hạn"]["C2"] = "ba mươi mốt tháng một"
    wb.save(path)
    with pytest.raises(campaign.CampaignError) as exc:
        campaign.load(tmp_path)
    found = {(f.code, f.sheet, f.cell) for f in exc.value.findings}
    assert ("campaign.bad_value", "Đơn vị", "E3") in found
    assert ("campaign.duplicate", "Đơn vị", "A5") in found
    assert ("campaign.bad_value", "Danh hiệu - Hình thức", "D2") in found
    assert ("campaign.bad_value", "Thời hạn", "C2") in found
    assert "Đơn vị!E3" in str(exc.value)


def test_missing_campaign_file(tmp_path):
    with pytest.raises(campaign.CampaignError) as exc:
        campaign.load(tmp_path)
    assert exc.value.findings[0].message == message("campaign.missing", value=str(tmp_path / "campaign.xlsx"))


def test_limits_come_from_the_settings_sheet(tmp_path):
    campaign_writer.create(tmp_path, sample="daklak-2024")
    path = tmp_path / "campaign.xlsx"
    wb = load_workbook(path)
    ws = wb["Cài đặt"]
    ws.append(["max_file_mb", 5])
    ws.append(["password.VP", "bi-mat"])
    wb.save(path)
    camp = campaign.load(tmp_path)
    assert camp.limits.max_file_mb == 5
    assert camp.password("VP") == "bi-mat" and camp.passwords() == ["bi-mat"]
    ws.append(["max_zip_members", "nhiều lắm"])
    wb.save(path)
    with pytest.raises(campaign.CampaignError) as exc:
        campaign.load(tmp_path)
    assert [(f.sheet, f.field) for f in exc.value.findings] == [("Cài đặt", "max_zip_members")]


def test_a_deadline_typed_as_text_is_read(tmp_path):
    campaign_writer.create(tmp_path, sample="daklak-2024")
    path = tmp_path / "campaign.xlsx"
    wb = load_workbook(path)
    wb["Thời hạn"]["C2"].value = "15/02/2024"
    wb["Thời hạn"]["C2"].data_type = "s"
    wb.save(path)
    assert campaign.load(tmp_path).deadline("registration") == date(2024, 2, 15)


def test_two_units_with_the_same_name_are_refused(tmp_path):
    campaign_writer.create(tmp_path, sample="daklak-2024")
    path = tmp_path / "campaign.xlsx"
    wb = load_workbook(path)
    wb["Đơn vị"]["B3"] = "VĂN PHÒNG  SỞ"  # VP's name again, other case and spacing
    wb.save(path)
    with pytest.raises(campaign.CampaignError) as exc:
        campaign.load(tmp_path)
    assert [(f.code, f.sheet, f.cell) for f in exc.value.findings] == [("campaign.duplicate", "Đơn vị", "B3")]


def test_a_campaign_file_that_is_not_excel(tmp_path):
    (tmp_path / "campaign.xlsx").write_text("Mã,Tên\nVP,Văn phòng\n", encoding="utf-8")
    with pytest.raises(campaign.CampaignError) as exc:
        campaign.load(tmp_path)
    assert "không phải sổ Excel (.xlsx)" in str(exc.value)


@pytest.mark.parametrize("key", ["base_salary", "award_rounding", "ttldtt_ldtt_percent", "max_file_mb"])
@pytest.mark.parametrize("typed", ["1e400", "-1e400", "nan", "inf"])
def test_a_setting_beyond_any_number_is_named_by_its_cell(tmp_path, key, typed):
    """A number no spreadsheet holds ("1e400" reads as infinity) is refused where it was typed, through the
    command line: before, the decision stopped on it with an internal error."""
    from click.testing import CliRunner
    from sheets_tools.cli import main
    campaign_writer.create(tmp_path, sample="daklak-2024")
    path = tmp_path / "campaign.xlsx"
    wb = load_workbook(path)
    ws = wb[campaign.SETTINGS_SHEET]
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(row=r, column=1).value == key)
    ws.cell(row=row, column=2).value = typed
    wb.save(path)
    with pytest.raises(campaign.CampaignError) as exc:
        campaign.load(tmp_path)
    assert ("campaign.bad_value", campaign.SETTINGS_SHEET, f"B{row}") in {(f.code, f.sheet, f.cell)
                                                                         for f in exc.value.findings}
    result = CliRunner().invoke(main, ["decision", str(tmp_path)])
    assert result.exit_code != 0 and f"{campaign.SETTINGS_SHEET}!B{row}" in result.output
    assert "Traceback" not in result.output and "không mong đợi" not in result.output
