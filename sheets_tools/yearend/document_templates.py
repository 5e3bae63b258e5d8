"""The Word templates of the decision documents: shipped in the package (``word_templates/``), copied
into the campaign folder ("mẫu văn bản") the first time, and from then on taken from there, where the
office may change them in Word. A template that cannot be used is an error naming it (``TemplateBroken``):
the package's copy is never used in its place.

Templates are docxtpl documents: ``{{ name }}`` puts a value, ``{%p for ... %}``/``{%p if ... %}`` on a
paragraph of their own repeat or keep paragraphs. Values are escaped for Word (an agency named "A & B"
or "<x>" renders as typed). The names a template may use are ``NAMES``.
"""
from __future__ import annotations

import zipfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from docx.opc.exceptions import PackageNotFoundError
from docxtpl import DocxTemplate
from jinja2 import Environment, StrictUndefined, TemplateError
from lxml.etree import LxmlError

from sheets_tools.campaign.model import Campaign
from sheets_tools.core.files import write_atomic

TEMPLATE_DIR = "mẫu văn bản"
GUIDE = "Hướng dẫn sửa mẫu.txt"

# the names a template may use, with what they hold (written into the guide beside the templates)
NAMES = {
    "co_quan_cap_tren": "cơ quan cấp trên, chữ in hoa (UBND TỈNH ĐẮK LẮK)",
    "co_quan": "tên cơ quan, chữ in hoa (SỞ TƯ PHÁP)",
    "ten_co_quan": "tên cơ quan trong câu văn (Sở Tư pháp)",
    "ky_hieu": "chữ viết tắt tên cơ quan, lấy từ số quyết định (STP)",
    "van_phong": "tên Văn phòng (Văn phòng Sở)",
    "dia_danh_ngay": "địa danh, ngày tháng năm ban hành",
    "nam": "năm thi đua",
    "so_quyet_dinh": "số, ký hiệu quyết định (--number)",
    "luat": "Luật Thi đua, khen thưởng",
    "nghi_dinh": "nghị định quy định chi tiết mà đợt thi đua áp dụng",
    "giam_doc": "người quyết định khen thưởng của cơ quan (Giám đốc Sở)",
    "chuc_danh_ky": "chức danh người ký (GIÁM ĐỐC)",
    "ten_nguoi_ky": "họ tên người ký (thành viên Hội đồng có chức vụ là người quyết định)",
    "ten_chanh_van_phong": "họ tên Chánh Văn phòng (thành viên Hội đồng có chức vụ Chánh Văn phòng)",
    "chu_tich_tinh": "Chủ tịch UBND tỉnh",
    "muc_luong_co_so": "mức lương cơ sở (đồng)",
    "ds": "danh sách của văn bản: ds.doi_tuong, ds.so_ca_nhan, ds.so_tap_the, ds.tong_tien, ds.tong_tien_chu, "
          "ds.nhom (mỗi nhóm: ten, so_luong, doi_tuong, muc_tien, thanh_tien)",
    "tinh": "danh sách đề nghị Chủ tịch UBND tỉnh khen thưởng (như ds), trống khi không có",
}


@dataclass(frozen=True)
class Template:
    """One document's template: the package's file and the office's copy in the campaign folder."""

    package_name: str
    office_name: str
    what: str  # the document, in a message


QUYET_DINH = Template("quyet_dinh.docx", "Mẫu quyết định khen thưởng.docx", "Quyết định khen thưởng")
TO_TRINH_VAN_PHONG = Template("to_trinh_van_phong.docx", "Mẫu tờ trình của Văn phòng.docx",
                              "Tờ trình của Văn phòng")
TO_TRINH_TINH = Template("to_trinh_tinh.docx", "Mẫu tờ trình đề nghị Chủ tịch UBND tỉnh.docx",
                         "Tờ trình đề nghị Chủ tịch UBND tỉnh")
TEMPLATES = (QUYET_DINH, TO_TRINH_VAN_PHONG, TO_TRINH_TINH)


class TemplateBroken(Exception):
    """The office's template cannot be used; nothing was written from it."""

    def __init__(self, path: Path, detail: str):
        self.path, self.detail = path, detail
        super().__init__(
            f"Mẫu văn bản \"{path}\" không dùng được: {detail}. Chưa ghi văn bản nào. Hãy mở mẫu bằng Word để sửa "
            "(chỗ điền có dạng {{ ten }}, xem tệp \"" + GUIDE + "\" cùng thư mục), hoặc xóa (đổi tên) tệp mẫu "
            "để lần chạy sau chép lại mẫu gốc.")


def template_dir(campaign: Campaign) -> Path:
    return campaign.dir / TEMPLATE_DIR


def office_copy(campaign: Campaign, template: Template) -> Path:
    """The office's template, copied from the package the first time it is needed (a missing one
    is copied again; an existing one, changed or not, is left as it is)."""
    path = template_dir(campaign) / template.office_name
    if not path.exists():
        source = resources.files("sheets_tools.yearend") / "word_templates" / template.package_name
        write_atomic(path, lambda tmp: tmp.write_bytes(source.read_bytes()))
    guide = template_dir(campaign) / GUIDE
    if not guide.exists():
        write_atomic(guide, lambda tmp: tmp.write_text(_guide(), encoding="utf-8-sig"))
    return path


def _guide() -> str:
    lines = ["Các tệp mẫu trong thư mục này được dùng khi lập quyết định và tờ trình khen thưởng (lệnh decision).",
             "Có thể sửa câu chữ, căn cứ, nơi nhận... bằng Word; giữ nguyên các chỗ điền {{ ... }} và các dòng",
             "{%p ... %} (lặp hoặc điều kiện). Danh sách khen thưởng được thêm vào sau phần văn bản, từ trang mới.",
             "Xóa một tệp mẫu thì lần chạy sau chép lại mẫu gốc.", "", "Các chỗ điền dùng được:"]
    return "\n".join(lines + [f"  {{{{ {name} }}}}: {what}" for name, what in NAMES.items()]) + "\n"


def environment() -> Environment:
    """Values escaped for Word's XML; a name the template uses but the tool does not give is an error."""
    return Environment(autoescape=True, undefined=StrictUndefined)


def check(path: Path) -> None:
    """Open the template and read its tags; raise TemplateBroken (naming it) when it cannot be used."""
    tpl = _open(path)
    try:
        unknown = sorted(tpl.get_undeclared_template_variables(environment()) - NAMES.keys())
    except TemplateError as exc:
        raise TemplateBroken(path, _jinja_detail(exc)) from exc
    except (LxmlError, ValueError, KeyError) as exc:
        raise TemplateBroken(path, f"nội dung tệp Word bị hỏng ({exc})") from exc
    if unknown:
        raise TemplateBroken(path, "có chỗ điền không có trong danh sách: "
                             + ", ".join("{{ " + name + " }}" for name in unknown))


def render(path: Path, context: dict[str, Any]) -> DocxTemplate:
    """The template filled with ``context`` (not saved: the caller adds the list and saves it)."""
    tpl = _open(path)
    try:
        tpl.render(context, environment())
    except TemplateError as exc:
        raise TemplateBroken(path, _jinja_detail(exc)) from exc
    except (LxmlError, ValueError, KeyError) as exc:
        raise TemplateBroken(path, f"nội dung tệp Word bị hỏng ({exc})") from exc
    return tpl


def _open(path: Path) -> DocxTemplate:
    if not path.is_file():
        raise TemplateBroken(path, "không tìm thấy tệp (hoặc đó là một thư mục)")
    try:
        tpl = DocxTemplate(str(path))
        tpl.init_docx()
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, LxmlError) as exc:
        raise TemplateBroken(path, f"không mở được như một tệp Word .docx ({type(exc).__name__})") from exc
    return tpl


def _jinja_detail(exc: TemplateError) -> str:
    return f"chỗ điền hoặc dòng lặp, điều kiện viết sai ({exc.message or exc})"

