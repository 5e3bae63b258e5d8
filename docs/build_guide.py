"""Render the user guide's pictures from a demo campaign with LibreOffice, then copy the guide into docs/.

For maintainers (the guide's source is ``sheets_tools/guide/``; ``docs/`` is its copy):

    python3 docs/build_guide.py                 # runs `sheets-tools demo <temp> --no-mail` first (a few minutes)
    python3 docs/build_guide.py --demo DIR      # uses a demo folder made before
    python3 docs/build_guide.py --copy-only     # only copy the guide and its pictures into docs/

Each picture is one page of a workbook the demo wrote (the page that holds a phrase), rendered to PDF by
LibreOffice (``core.pdf.to_pdf``) and to PNG by ``pdftoppm``, cropped to the page's text (``pdftotext -bbox``)
and to at most ``height`` points from its top. Look at every picture after a run.
"""
from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sheets_tools.campaign import workbook as campaign_mod  # noqa: E402
from sheets_tools.core.pdf import to_pdf  # noqa: E402
from sheets_tools.guide import GUIDE_DIR, write_guide  # noqa: E402
from sheets_tools.office.control import install  # noqa: E402

MAX_BYTES = 150_000
_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">')


@dataclass(frozen=True)
class Picture:
    name: str      # img/<name>.png
    source: str    # a glob in the demo folder
    phrase: str    # the page to show is the first that holds this text
    dpi: int = 90
    height: float = 300.0  # points kept from the top of the page's text
    width: float = 0.0     # points kept from the left of the page's text (0: all)
    buttons: bool = False  # print the workbook's buttons (Excel and LibreOffice leave them out by default)


PICTURES = (
    Picture("hd-bieu-mau-dang-ky", "outbox/VP/Đăng ký thi đua * - Văn phòng Sở.xlsx", "Tên tập thể", height=260),
    Picture("hd-phan-hoi", "feedback/PTP-BMT/Phản hồi - PTP-BMT-de-nghi-dot-xuat.xlsx", "DANH SÁCH LỖI", height=125),
    Picture("hd-phan-hoi-o-sai", "feedback/PTP-BMT/Phản hồi - PTP-BMT-de-nghi-dot-xuat.xlsx", "Phần I.", dpi=130,
            height=115, width=640),
    Picture("hd-tong-quan", "master/Tổng hợp thi đua *.xlsx", "TỔNG QUAN", height=300),
    Picture("hd-phieu-bieu-quyet", "council/Phiếu biểu quyết*.xlsx", "DANH SÁCH THÀNH VIÊN", height=262),
    Picture("hd-bang-dieu-khien", "Bảng điều khiển thi đua *.xlsm", "BẢNG ĐIỀU KHIỂN", height=470,
            buttons=True),
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--demo", type=Path, help="a folder written by `sheets-tools demo DIR --no-mail`")
    parser.add_argument("--copy-only", action="store_true", help="only copy the guide into docs/")
    args = parser.parse_args()
    if not args.copy_only:
        with tempfile.TemporaryDirectory(prefix="guide-pictures-") as work:
            demo = args.demo or _demo(Path(work) / "demo")
            install(campaign_mod.load(demo))  # the control workbook, for its picture
            for picture in PICTURES:
                print(_render(picture, demo, Path(work)))
    result = write_guide(ROOT / "docs", markdown=True)
    print(f"docs/: {result.markdown} and {len(result.pictures)} pictures")
    return 0


def _demo(folder: Path) -> Path:
    subprocess.run([sys.executable, "-m", "sheets_tools.cli", "demo", str(folder), "--no-mail"], cwd=ROOT,
                   check=True, stdout=subprocess.DEVNULL)
    return folder


def _render(picture: Picture, demo: Path, work: Path) -> str:
    source = sorted(demo.glob(picture.source))[0]
    copy = work / f"{picture.name}{source.suffix}"
    shutil.copyfile(source, copy)
    if picture.buttons:
        _print_buttons(copy)
    pdf = to_pdf([copy])[0]
    page, (x0, y0, x1, y1) = _page_with(pdf, picture.phrase)
    right = min(x1, x0 + picture.width) if picture.width else x1
    scale, margin = picture.dpi / 72, 12
    box = [int(x0 * scale) - margin, int(y0 * scale) - margin, int((right - x0) * scale) + 3 * margin,
           int((min(y1, y0 + picture.height) - y0) * scale) + 2 * margin]
    target = GUIDE_DIR / "img" / f"{picture.name}.png"
    subprocess.run(["pdftoppm", "-r", str(picture.dpi), "-png", "-singlefile", "-f", str(page), "-l", str(page),
                    "-x", str(max(box[0], 0)), "-y", str(max(box[1], 0)), "-W", str(box[2]), "-H", str(box[3]),
                    str(pdf), str(target.with_suffix(""))], check=True)
    size = target.stat().st_size
    if size >= MAX_BYTES:
        raise SystemExit(f"{target.name}: {size} bytes; lower its dpi or height")
    return f"{target.name}: page {page} of {source.name}, {size} bytes"


def _print_buttons(path: Path) -> None:
    """Set the form buttons of a workbook (VML drawings) to print, in place."""
    with zipfile.ZipFile(path) as old:
        parts = [(info, old.read(info)) for info in old.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for info, data in parts:
            if info.filename.endswith(".vml"):
                data = data.replace(b"<x:PrintObject>False</x:PrintObject>", b"<x:PrintObject>True</x:PrintObject>")
            new.writestr(info, data)


def _page_with(pdf: Path, phrase: str) -> tuple[int, tuple[float, float, float, float]]:
    """The first page whose text holds ``phrase``, and the box around all of that page's words."""
    listing = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, check=True).stdout
    for number, chunk in enumerate(listing.decode("utf-8").split("<page ")[1:], start=1):
        text = " ".join(re.findall(r">([^<]*)</word>", chunk))
        if phrase in text:
            boxes = [tuple(map(float, m)) for m in _WORD.findall(chunk)]
            footer = max(b[1] for b in boxes)  # the page number line at the bottom
            boxes = [b for b in boxes if b[1] < footer - 1] or boxes
            return number, (min(b[0] for b in boxes), min(b[1] for b in boxes),
                            max(b[2] for b in boxes), max(b[3] for b in boxes))
    raise SystemExit(f"no page of {pdf.name} holds {phrase!r}")


if __name__ == "__main__":
    sys.exit(main())
