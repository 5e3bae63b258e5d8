"""Regenerate the committed test data of tests/excel/test_formats.py: one filled registration return
saved by LibreOffice as .xls and .ods (the formats units' other programs produce).

Run from the repository root (needs LibreOffice's ``soffice`` on PATH):

    python tests/data/make_data.py

It writes ``tests/data/return.xlsx`` (built with tests/workbooks.py ``make_return`` for unit
"TTR" of the sample campaign) and LibreOffice's conversions ``return.xls`` and ``return.ods``
next to it. The tests compare what intake reads from each converted copy with what it reads
from the xlsx, so regenerating keeps them consistent. LibreOffice (7.4) only imports .xlsb
(its "Calc MS Excel 2007 Binary" filter has no export), so .xlsb is covered by the calamine
corpus files instead.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # tests/: workbooks.py

UNIT = "TTR"
ROWS = {
    "collectives": [{"collective_name": "Phòng Nghiệp vụ 1", "title": "Tập thể lao động xuất sắc",
                     "note": "Đề nghị"}],
    "individuals": [
        {"family_name": "Nguyễn Văn", "given_name": "An", "birth_date": date(1985, 3, 15), "sex": "Nam",
         "position": "Thanh tra viên", "last_rating": "Hoàn thành tốt nhiệm vụ",
         "title": "Lao động tiên tiến", "note": 7},
        {"family_name": "Trần Thị", "given_name": "Ánh Tuyết", "birth_date": date(1990, 12, 1), "sex": "Nữ",
         "last_rating": "Hoàn thành xuất sắc nhiệm vụ", "title": "Chiến sĩ thi đua cơ sở"},
    ],
    "movements": [{"movement": "Phong trào PT1", "commitment": "Hoàn thành 100% chỉ tiêu"}],
}
# --convert-to argument per target extension (LibreOffice picks the filter by extension).
TARGETS = {"xls": "xls", "ods": "ods"}


def make_xlsx(path: Path) -> Path:
    """The filled return every converted copy is made from."""
    from workbooks import make_return

    from sheets_tools.campaign import workbook as campaign
    from sheets_tools.campaign import writer as campaign_writer

    with tempfile.TemporaryDirectory() as folder:
        campaign_writer.create(Path(folder), sample="daklak-2024")
        camp = campaign.load(Path(folder))
        return make_return(path, camp, UNIT, ROWS)


def convert(source: Path, out_dir: Path, target: str, soffice: str = "soffice") -> Path:
    """``source`` re-saved by LibreOffice headless as ``target`` (a key of TARGETS) in ``out_dir``."""
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([soffice, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless",
                        "--convert-to", TARGETS[target], "--outdir", str(out_dir), str(source)],
                       check=True, capture_output=True, timeout=300)
    out = out_dir / f"{source.stem}.{target}"
    if not out.is_file():
        raise RuntimeError(f"LibreOffice did not write {out}")
    return out


def main() -> None:
    soffice = shutil.which("soffice")
    if soffice is None:
        sys.exit("soffice (LibreOffice) not on PATH")
    xlsx = make_xlsx(HERE / "return.xlsx")
    for target in TARGETS:
        print(convert(xlsx, HERE, target, soffice))


if __name__ == "__main__":
    main()
