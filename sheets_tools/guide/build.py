"""Writing the guide out: the Word document (always), its PDF (LibreOffice) and the markdown with its pictures."""
from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from sheets_tools.core.files import atomic_write_bytes, write_atomic
from sheets_tools.core.pdf import to_pdf
from sheets_tools.guide import document
from sheets_tools.guide.markdown import images, parse

GUIDE_DIR = Path(__file__).resolve().parent
SOURCE_NAME = "huong-dan-su-dung.md"
GUIDE_NAME = "Hướng dẫn sử dụng sheets-tools"


@dataclass
class GuideResult:
    """What ``write_guide`` wrote."""
    docx: Path | None = None
    pdf: Path | None = None
    markdown: Path | None = None
    pictures: list[Path] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"docx": self.docx and str(self.docx), "pdf": self.pdf and str(self.pdf),
                "markdown": self.markdown and str(self.markdown), "pictures": [str(p) for p in self.pictures]}


def source() -> Path:
    """The guide's markdown inside the package."""
    return GUIDE_DIR / SOURCE_NAME


def write_guide(out: Path, *, pdf: bool = False, markdown: bool = False) -> GuideResult:
    """Write the guide into ``out``: "<GUIDE_NAME>.docx" (unless only ``markdown`` is asked for), with ``pdf``
    its PDF too (LibreOffice; ``PdfError`` when it cannot), with ``markdown`` the markdown and its ``img/``
    pictures. A file open in Word is left alone and the new one written beside it."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    text = source().read_text(encoding="utf-8")
    result = GuideResult()
    if pdf or not markdown:
        doc = document.build(parse(text), GUIDE_DIR)
        result.docx = write_atomic(out / f"{GUIDE_NAME}.docx", lambda tmp: doc.save(str(tmp)), beside_if_busy=True)
    if markdown:
        result.markdown = atomic_write_bytes(out / SOURCE_NAME, source().read_bytes())
        for name in images(text):
            target = out / name
            target.parent.mkdir(parents=True, exist_ok=True)
            result.pictures.append(write_atomic(target, lambda tmp, name=name: shutil.copyfile(GUIDE_DIR / name, tmp)))
    if pdf and result.docx:
        result.pdf = to_pdf([result.docx])[0]
    return result
