"""Both files of the decision lists: the workbook and the Word document, side by side."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from sheets_tools.campaign.model import Campaign
from sheets_tools.yearend.decision import Award, group
from sheets_tools.yearend.decision_docx import write_docx
from sheets_tools.yearend.decision_xlsx import write_workbook


def output_paths(campaign: Campaign, out_dir: Path) -> tuple[Path, Path]:
    """``Danh sách khen thưởng năm {year}.xlsx`` and ``.docx`` under ``out_dir``."""
    stem = f"Danh sách khen thưởng năm {campaign.info.year}"
    return Path(out_dir) / f"{stem}.xlsx", Path(out_dir) / f"{stem}.docx"


def write_all(campaign: Campaign, awards: list[Award], out_dir: Path, *, number: str = "",
              signed_on: date | None = None) -> list[Path]:
    """Group the awards and write the workbook and the Word document; returns the paths written."""
    lists = group(campaign, awards)
    xlsx, docx_path = output_paths(campaign, out_dir)
    return [write_workbook(campaign, lists, xlsx, number=number, signed_on=signed_on),
            write_docx(campaign, lists, docx_path, number=number, signed_on=signed_on)]
