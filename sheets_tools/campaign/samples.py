"""The built-in samples as plain rows (``sample(name, year)``), for ``writer.create`` and
``workbook.sample_campaign``:

- ``daklak-2024``: the seed's year (``sample.py``), with the 15 district justice offices of 2024;
- ``daklak``: a campaign of any year from 2025, with the units as they are after the reform of
  01/07/2025: the district level is gone, the justice work of a commune or ward is done by its
  "Văn phòng HĐND và UBND" in the merged province of Đắk Lắk (Đắk Lắk and Phú Yên, 102 communes and
  wards). The Department's own offices and centres are the 2024 sample's; a handful of communes and wards
  of the merged province stand for the commune block (illustrative). The calendar, the movements and the
  decree follow the year.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sheets_tools.campaign import sample as base
from sheets_tools.campaign.model import decree_on

SAMPLES = ("daklak", "daklak-2024")
REFORM_YEAR = 2025  # the district level was abolished on 01/07/2025
COMMUNE_BLOCK = "Khối cấp xã (minh họa)"
COMMUNE_KIND = "Văn phòng HĐND và UBND cấp xã (minh họa)"
# (code, ward or commune) of the merged province: real names, chosen to illustrate
COMMUNES = [
    ("BMT", "phường Buôn Ma Thuột"), ("BH", "phường Buôn Hồ"), ("EK", "xã Ea Kar"), ("ES", "xã Ea Súp"),
    ("TH", "phường Tuy Hòa"), ("SC", "phường Sông Cầu"),
]


@dataclass(frozen=True)
class Sample:
    """A sample campaign's content, in internal values (``writer.create`` writes the Vietnamese words).
    ``deadlines``: (key, name, date, opens, remind days, optional); ``catalogue``: the rows of
    ``sample.CATALOGUE`` with their "Căn cứ tỷ lệ phiếu, hệ số tiền thưởng" at the end."""

    info: dict
    deadlines: list[tuple]
    units: list[tuple]
    catalogue: list[tuple]
    movements: list[tuple]
    criteria: list[tuple]
    council: list[tuple]
    lists: list[tuple]
    indicators: list[tuple]
    note: str
    settings: dict[str, str] = field(default_factory=dict)  # rows of sheet "Cài đặt" the sample fills in


def sample(name: str, year: int | None = None) -> Sample:
    """The sample ``name`` (``SAMPLES``); ``daklak`` is of ``year`` (default: this year). A ValueError in
    Vietnamese names what is wrong (an unknown sample, a year the sample cannot be of)."""
    if name == "daklak-2024":
        if year not in (None, base.INFO["year"]):
            raise ValueError(f"Mẫu \"daklak-2024\" là đợt thi đua năm 2024; để tạo đợt năm {year}, dùng "
                             f"--sample daklak --year {year}.")
        return _seed()
    if name == "daklak":
        year = year or campaign_year(date.today())
        if not REFORM_YEAR <= year <= 2100:
            raise ValueError(f"Mẫu \"daklak\" theo tổ chức đơn vị từ ngày 01/07/{REFORM_YEAR} (năm {REFORM_YEAR} "
                             f"đến 2100); năm {year}: dùng --sample daklak-2024 cho năm 2024.")
        return _of_year(year)
    raise ValueError(f"Không có mẫu \"{name}\"; các mẫu có sẵn: {', '.join(SAMPLES)}.")


def sample_or_blank(name: str | None, year: int | None = None) -> Sample:
    """The sample ``name`` of ``year``; without a name, what an empty campaign of ``year`` (default this year)
    starts from: the law's catalogue citing that year's decree, the lists forms choose from, the calendar's
    lines without dates (the office fills them in)."""
    if name:
        return sample(name, year)
    year = year or date.today().year
    full = sample("daklak", year) if year >= REFORM_YEAR else _seed()
    return Sample(info={"year": year}, deadlines=[(key, what, None, None, None, o) for key, what, *_, o in
                                                  full.deadlines],
                  units=[], catalogue=full.catalogue, movements=[], criteria=[], council=[], lists=full.lists,
                  indicators=[], note="")


LAUNCH = (12, 1)  # the next year's registration and initiatives go out from 1 December (the year's launch)
LAUNCHED = ("registration", "initiatives")


def campaign_year(today: date) -> int:
    """The year whose campaign a newcomer starts on ``today``: this year, or next year once this year's last
    deadline (30/11) has passed and the next year's forms are going out."""
    return today.year + 1 if (today.month, today.day) >= LAUNCH else today.year


def _seed() -> Sample:
    return Sample(
        info=dict(base.INFO), units=list(base.UNITS), movements=list(base.MOVEMENTS), criteria=list(base.CRITERIA),
        deadlines=[(*d, d[0] in base.OPTIONAL_FORMS) for d in base.DEADLINES],
        catalogue=[(*row, base.figures_basis(row[0], row[6], row[7])) for row in base.CATALOGUE],
        council=list(base.COUNCIL), lists=list(base.LISTS), indicators=list(base.INDICATORS), note=base.NOTE)


def _of_year(year: int) -> Sample:
    decree = decree_on(date(year, 11, 30))
    votes = (f"Tỷ lệ phiếu: Điều 30 Nghị định số 98/2023/NĐ-CP, coi như không đổi ở {decree} (chưa đối chiếu; "
             "tính trên tổng số thành viên Hội đồng)")
    money = f"Hệ số tiền thưởng: Điều 50-54 {decree}"
    shift = base.INFO["year"]
    offices = [u for u in base.UNITS if u[3] == base.DEPT_BLOCK]
    communes = [(f"XA-{code}", f"Văn phòng HĐND và UBND {name}", COMMUNE_KIND, COMMUNE_BLOCK,
                 f"vp.{code.lower()}.xa@example.gov.vn", base.CONTACTS[(i + 3) % len(base.CONTACTS)])
                for i, (code, name) in enumerate(COMMUNES)]
    later = year > REFORM_YEAR  # the movements of the period 2020-2025 have a next period
    movements = [(code, name.replace(str(shift), str(year)),
                  "2026 - 2030" if later and period.endswith("2025") else period.replace(str(shift), str(year)))
                 for code, name, period in base.MOVEMENTS if code != "PT7"]  # PT7: an anniversary of 2024
    return Sample(
        info={**base.INFO, "campaign_id": f"daklak-{year}", "year": year},
        deadlines=[(key, name, due.replace(year=year),
                    date(year - 1, *LAUNCH) if key in LAUNCHED else opens.replace(year=year), days,
                    key in base.OPTIONAL_FORMS)
                   for key, name, due, opens, days in base.DEADLINES],
        units=offices + communes,
        catalogue=[(*row, base.figures_basis(row[0], row[6], row[7], votes=votes, money=money))
                   for row in base.CATALOGUE],
        movements=movements,
        criteria=[row for row in base.CRITERIA if row[0] == base.DEPT_BLOCK]
        + [(COMMUNE_BLOCK, code, _commune(name), *rest) for block, code, name, *rest in base.CRITERIA
           if block == base.DISTRICT_BLOCK],
        council=list(base.COUNCIL), lists=list(base.LISTS),
        indicators=[(c, n, m, k, d, a.replace(base.DISTRICT_BLOCK, COMMUNE_BLOCK), t, nt)
                    for c, n, m, k, d, a, t, nt in base.INDICATORS],
        note=(f"Dữ liệu mẫu \"daklak\" năm {year}: các đơn vị theo tổ chức từ ngày 01/07/2025 (không còn cấp huyện; "
              "tỉnh Đắk Lắk mới gồm tỉnh Đắk Lắk và tỉnh Phú Yên cũ, 102 xã, phường). Các Văn phòng HĐND và UBND "
              "xã, phường chỉ là vài ví dụ minh họa; mã đơn vị, e-mail và người liên hệ là minh họa."),
        settings={"decree": decree})


def _commune(text: str) -> str:
    """A criterion of the district offices, said of a commune."""
    return text.replace("UBND cấp huyện", "UBND cấp xã")
