"""The ``sheets-tools`` command: a thin layer over the library, one stage per command."""
from __future__ import annotations

import json
import sys
from functools import wraps
from pathlib import Path

import click

from sheets_tools.campaign import workbook as campaign_mod
from sheets_tools.collection.collect import check, collect
from sheets_tools.collection.issue import issue, remind
from sheets_tools.collection.report import format_files
from sheets_tools.collection.status import board
from sheets_tools.collection.templates import build_blanks
from sheets_tools.core.files import CampaignBusy, excel_lock_file
from sheets_tools.core.findings import has_errors
from sheets_tools.core.values import coerce_date
from sheets_tools.demo.year import DemoError, run_demo
from sheets_tools.formkit.declaration import describe, load_forms
from sheets_tools.master.consolidate import consolidate
from sheets_tools.store.ledger import Ledger
from sheets_tools.yearend.award import ballot_path, count_votes, decide, make_ballot
from sheets_tools.yearend.history_import import import_history
from sheets_tools.yearend.history_template import template

SAMPLE = "daklak-2024"


def _load(directory: Path) -> campaign_mod.Campaign:
    return campaign_mod.load(directory)


class UserError(click.ClickException):
    """A failure explained to the user, in Vietnamese (Click would print "Error:")."""

    def show(self, file=None) -> None:
        click.echo(f"Lỗi: {self.format_message()}", file=file or sys.stderr, err=file is None)


def _print_json(data: object) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def _friendly(func):
    """Turn the library's own exceptions into clear messages; --debug shows the traceback."""
    @wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except (campaign_mod.CampaignError, CampaignBusy) as exc:
            if click.get_current_context().find_root().params.get("debug"):
                raise
            raise UserError(str(exc)) from exc
    return wrapper


@click.group(epilog="Ví dụ: sheets-tools demo demo-2024   (chạy thử toàn bộ quy trình trên đợt mẫu)")
@click.option("--debug", is_flag=True, help="Hiện chi tiết lỗi kỹ thuật (traceback).")
@click.version_option(package_name="sheets-tools")
def main(debug: bool) -> None:
    """sheets-tools: thu thập, kiểm tra và tổng hợp biểu mẫu thi đua, khen thưởng bằng Excel.

    Quy trình: init -> issue (gửi biểu mẫu) -> collect (nhận, kiểm tra) -> consolidate (tổng hợp)
    -> status (theo dõi).
    """


@main.command(epilog="Ví dụ: sheets-tools init dot-2024 --sample daklak-2024")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--sample", type=click.Choice([SAMPLE]), help="Tạo từ đợt mẫu có sẵn.")
@_friendly
def init(directory: Path, sample: str | None) -> None:
    """Tạo thư mục đợt thi đua với campaign.xlsx (trống hoặc theo mẫu)."""
    target = directory / campaign_mod.CAMPAIGN_FILE
    if target.exists():
        raise UserError(f"{target} đã có; không ghi đè. Hãy chọn thư mục khác.")
    path = campaign_mod.create(directory, sample=sample)
    click.echo(f"Đã tạo {path}")
    if not sample:
        click.echo("Hãy mở campaign.xlsx, điền thông tin chung, thời hạn, danh sách đơn vị, rồi chạy "
                   f"\"sheets-tools issue {directory}\".")


@main.group()
def templates() -> None:
    """Biểu mẫu: tạo biểu mẫu trống, mô tả cấu trúc biểu mẫu."""


@templates.command("build", epilog="Ví dụ: sheets-tools templates build dot-2024")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@_friendly
def templates_build(directory: Path) -> None:
    """Ghi các biểu mẫu trống.

    DIRECTORY là thư mục đợt thi đua (có campaign.xlsx): biểu mẫu ghi vào DIRECTORY/templates.
    Nếu không có campaign.xlsx, dùng danh mục của đợt mẫu và ghi thẳng vào DIRECTORY.
    """
    camp, out = _campaign_or_sample(directory)
    for path in build_blanks(out, camp):
        click.echo(f"Đã ghi {path}")


@templates.command("describe", epilog="Ví dụ: sheets-tools templates describe --json")
@click.option("--json", "as_json", is_flag=True, help="In dạng JSON.")
@click.option("--campaign", "campaign_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Lấy danh sách lựa chọn từ đợt thi đua này (mặc định: đợt mẫu).")
@_friendly
def templates_describe(as_json: bool, campaign_dir: Path | None) -> None:
    """Mô tả các biểu mẫu: trang tính, dòng tiêu đề, vùng nhập, các cột."""
    camp = _load(campaign_dir) if campaign_dir else _campaign_or_sample(None)[0]
    data = {"forms": describe(camp)}
    if as_json:
        _print_json(data)
        return
    for form in data["forms"]:
        click.echo(f"{form['id']} (phiên bản {form['version']}): {form['name']}")
        for s in form["sheets"]:
            click.echo(f"  Trang \"{s['name']}\": tiêu đề dòng {s['header_row']}, "
                       f"nhập từ dòng {s['first_row']} đến {s['last_row']}")
            for c in s["columns"]:
                req = " (bắt buộc)" if c["required"] else ""
                click.echo(f"    {c['column']}: {c['label']} [{c['type']}]{req}")


class _Day(click.ParamType):
    name = "dd/mm/yyyy"

    def convert(self, value, param, ctx):
        return value if not isinstance(value, str) else _dmy(value)


_TODAY = click.option("--today", type=_Day(), default=None,
                      help="Coi hôm nay là ngày này (dd/mm/yyyy), ví dụ để xem trước lịch.")


@main.command("issue", epilog="Ví dụ: sheets-tools issue dot-2024   (các biểu mẫu đến kỳ gửi theo trang "
                              "\"Thời hạn\")\n\nsheets-tools issue dot-2024 --form initiatives")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--form", "form_ids", multiple=True, help="Chỉ gửi biểu mẫu này (mã biểu mẫu), bất kể lịch.")
@click.option("--all", "all_forms", is_flag=True, help="Gửi tất cả biểu mẫu, bất kể lịch.")
@_TODAY
@_friendly
def issue_cmd(directory: Path, form_ids: tuple[str, ...], all_forms: bool, today) -> None:
    """Ghi biểu mẫu điền sẵn và thư điện tử (.eml) cho từng đơn vị vào DIRECTORY/outbox.

    Không có --form: gửi các biểu mẫu đang trong kỳ gửi theo lịch (trang "Thời hạn" của campaign.xlsx:
    từ "Ngày gửi biểu mẫu" đến "Hạn nộp").
    """
    unknown = [f for f in form_ids if f not in load_forms()]
    if unknown:
        raise UserError(f"Không có biểu mẫu {', '.join(unknown)}. Các mã biểu mẫu: {', '.join(load_forms())}.")
    result = issue(_load(directory), list(form_ids) or None, today=today, all_forms=all_forms)
    if not result.forms:
        click.echo("Không có biểu mẫu nào đến kỳ gửi theo lịch; chưa ghi gì. Dùng --form <mã> để gửi một "
                   "biểu mẫu hoặc --all để gửi tất cả.")
    else:
        click.echo(f"Biểu mẫu: {', '.join(f.name for f in result.forms)}.")
        click.echo(f"Đã ghi {len(result.files)} biểu mẫu và {len(result.drafts)} thư nháp vào "
                   f"{directory / 'outbox'}")
    for note in result.skipped:
        click.echo(f"Lưu ý: {note}")


@main.command("remind", epilog="Ví dụ: sheets-tools remind dot-2024")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--form", "form_ids", multiple=True, help="Chỉ nhắc biểu mẫu này (mã biểu mẫu).")
@_TODAY
@_friendly
def remind_cmd(directory: Path, form_ids: tuple[str, ...], today) -> None:
    """Ghi thư nhắc (.eml) cho các đơn vị chưa nộp hoặc bị trả lại, khi gần đến hạn hoặc đã quá hạn.

    Thời điểm bắt đầu nhắc: "Nhắc trước hạn (ngày)" ở trang "Thời hạn" (hoặc cài đặt remind_days).
    """
    camp = _load(directory)
    result = remind(camp, today=today, form_ids=list(form_ids) or None)
    if not result.files:
        click.echo("Hôm nay không có đơn vị nào cần nhắc.")
    else:
        click.echo(f"Đã ghi {len(result.drafts)} thư nhắc vào {directory / 'outbox'} "
                   f"({', '.join(f.name for f in result.forms)}).")
    for note in result.skipped:
        click.echo(f"Lưu ý: {note}")


@main.command("collect", epilog="Ví dụ: sheets-tools collect dot-2024 hop-thu/ thu-don-vi.eml")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
@click.option("--no-feedback", is_flag=True, help="Không ghi tệp phản hồi cho đơn vị.")
@_friendly
def collect_cmd(directory: Path, paths: tuple[Path, ...], as_json: bool, no_feedback: bool) -> None:
    """Nhận các tệp đơn vị gửi về (tệp, thư mục, thư .eml): kiểm tra, ghi sổ, viết phản hồi."""
    result = collect(_load(directory), list(paths), feedback=not no_feedback)
    click.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=2) if as_json else format_files(result))


@main.command("validate", epilog="Ví dụ: sheets-tools validate bao-cao.xlsx --campaign dot-2024 --json")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--campaign", "campaign_dir", required=True,
              type=click.Path(exists=True, file_okay=False, path_type=Path), help="Thư mục đợt thi đua.")
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
@_friendly
def validate_cmd(files: tuple[Path, ...], campaign_dir: Path, as_json: bool) -> None:
    """Kiểm tra tệp mà không ghi nhận gì. Mã thoát 1 nếu có lỗi."""
    result = check(_load(campaign_dir), list(files))
    click.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=2) if as_json else format_files(result))
    if result.has_errors:
        sys.exit(1)


@main.command("consolidate", epilog="Ví dụ: sheets-tools consolidate dot-2024")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@_friendly
def consolidate_cmd(directory: Path) -> None:
    """Ghi bảng tổng hợp (master) vào DIRECTORY/master."""
    camp = _load(directory)
    result = consolidate(camp)
    if result.busy_target:
        click.echo(f"Tệp {result.busy_target} đang được mở (Excel?); đã ghi bản mới bên cạnh: {result.path}")
        lock = excel_lock_file(result.busy_target)
        if lock.exists():
            click.echo(f"Nếu không có ai đang mở tệp đó, hãy xóa tệp khóa {lock.name} (do Excel để lại) "
                       "để lần sau ghi đè đúng tệp tổng hợp.")
    else:
        click.echo(f"Đã ghi bảng tổng hợp: {result.path}")
    for path in result.outputs:
        click.echo(f"Đã ghi: {path}")
    _echo_findings(result.findings)


def _echo_findings(findings) -> None:
    for f in findings:
        if f.file and Path(f.file).name in f.message:  # the message already names its file, sheet and cell
            click.echo(f"- {f.message}")
            continue
        where = ", ".join(p for p in (f.file, f.sheet and f"trang \"{f.sheet}\"", f.cell and f"ô {f.cell}") if p)
        click.echo(f"- {where}: {f.message}" if where else f"- {f.message}")


def _dmy(text: str | None):
    if not text:
        return None
    from pydantic_core import PydanticCustomError
    try:
        return coerce_date(text)
    except PydanticCustomError as exc:
        raise UserError(f"\"{text}\" không phải ngày hợp lệ; nhập dạng dd/mm/yyyy, ví dụ 15/12/2024.") from exc


# --- year-end: award history, council, decision --------------------------------------------------
@main.group(epilog="Ví dụ: sheets-tools history import dot-2024 lich-su-khen-thuong.xlsx")
def history() -> None:
    """Lịch sử khen thưởng các năm trước (dùng kiểm tra danh hiệu nhiều năm liên tục)."""


@history.command("import", epilog="Ví dụ: sheets-tools history import dot-2024 lich-su-khen-thuong.xlsx")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_friendly
def history_import(directory: Path, file: Path) -> None:
    """Nhập các quyết định khen thưởng đã có từ tệp Excel FILE (nhập lại không bị trùng)."""
    camp = _load(directory)
    result = import_history(camp, file)
    click.echo(f"Đã nhập {result.added} dòng mới; {result.unchanged} dòng đã có từ trước.")
    _echo_findings(result.findings)
    if has_errors(result.findings):
        sys.exit(1)


@history.command("template", epilog="Ví dụ: sheets-tools history template dot-2024")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@_friendly
def history_template(directory: Path) -> None:
    """Tạo tệp Excel mẫu để nhập lịch sử khen thưởng."""
    camp = _load(directory)
    click.echo(f"Đã tạo tệp mẫu: {template(camp, camp.dir / 'Mẫu nhập lịch sử khen thưởng.xlsx')}")


@main.group(epilog="Ví dụ: sheets-tools council ballot dot-2024")
def council() -> None:
    """Hội đồng Thi đua - Khen thưởng: phiếu biểu quyết và kiểm phiếu."""


@council.command("ballot", epilog="Ví dụ: sheets-tools council ballot dot-2024 --counts")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--counts", is_flag=True, help="Ghi số phiếu đồng ý/không đồng ý thay vì một cột cho mỗi thành viên.")
@_friendly
def council_ballot(directory: Path, counts: bool) -> None:
    """Tạo phiếu tổng hợp biểu quyết từ các đề nghị đã kiểm tra đạt yêu cầu."""
    result = make_ballot(_load(directory), per_member=not counts)
    if result.path is None:
        raise UserError("Chưa có đề nghị nào đạt yêu cầu cần Hội đồng biểu quyết (hãy chạy collect và consolidate).")
    click.echo(f"Đã tạo phiếu biểu quyết ({result.candidates} trường hợp): {result.path}")


@council.command("tally", epilog="Ví dụ: sheets-tools council tally dot-2024")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("file", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_friendly
def council_tally(directory: Path, file: Path | None) -> None:
    """Kiểm phiếu: đọc phiếu biểu quyết đã điền (mặc định tệp do lệnh ballot tạo) và lập danh sách kết quả."""
    camp = _load(directory)
    if file is None and not ballot_path(camp).exists():
        raise UserError(f"Chưa có phiếu biểu quyết {ballot_path(camp)}; hãy chạy \"sheets-tools council ballot\".")
    result = count_votes(camp, file)
    t = result.tally
    if result.path is None:
        click.echo(f"Tệp {file or ballot_path(camp)} không có phiếu biểu quyết nào đọc được; "
                   "kết quả đã ghi nhận trước đó được giữ nguyên.")
    else:
        click.echo(f"Thành viên: {t.members}; có mặt: {t.present} (cần {t.quorum_needed}): "
                   + ("đủ số lượng." if t.quorum_ok else "KHÔNG đủ số lượng, chưa ai được công nhận."))
        for r in t.results:
            click.echo(f"- {r.name} ({r.unit_name}), {r.award_name}: {r.note}")
        click.echo(f"Đạt: {result.passed}/{len(t.results)}. Danh sách kết quả: {result.path}")
    _echo_findings(t.findings)
    if not t.valid:
        sys.exit(1)


@main.command("decision", epilog="Ví dụ: sheets-tools decision dot-2024 --number 245/QĐ-STP --date 15/12/2024")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--number", default="", help="Số quyết định (khi đã có); kèm --date thì ghi vào lịch sử khen thưởng.")
@click.option("--date", "signed", default=None, help="Ngày ký quyết định, dd/mm/yyyy.")
@_friendly
def decision_cmd(directory: Path, number: str, signed: str | None) -> None:
    """Lập danh sách khen thưởng kèm quyết định, tờ trình (Excel và Word)."""
    result = decide(_load(directory), number=number, signed_on=_dmy(signed))
    click.echo(f"Danh sách khen thưởng: {len(result.awards)} dòng.")
    for path in result.paths:
        click.echo(f"- {path}")
    if result.waiting:
        click.echo(f"Còn {len(result.waiting)} trường hợp chờ Hội đồng biểu quyết (chạy council ballot, council tally).")
    if result.recorded:
        click.echo(f"Đã ghi {result.recorded} khen thưởng vào lịch sử khen thưởng.")


@main.command("status", epilog="Ví dụ: sheets-tools status dot-2024 --json")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="In dạng JSON.")
@_TODAY
@_friendly
def status_cmd(directory: Path, as_json: bool, today) -> None:
    """Tình hình nộp: lịch từng biểu mẫu (gửi từ, hạn nộp) và từng đơn vị đã gửi, gửi muộn, chưa gửi."""
    camp = _load(directory)
    with Ledger(camp.dir) as ledger:
        b = board(camp, ledger, today)
    if as_json:
        _print_json(b.to_json())
    else:
        click.echo(b.format_text())


@main.command("demo", epilog="Ví dụ: sheets-tools demo demo-2024")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@_friendly
def demo_cmd(directory: Path) -> None:
    """Chạy thử cả quy trình trên đợt mẫu daklak-2024 với các tệp trả lời mô phỏng."""
    try:
        result = run_demo(directory, echo=click.echo)
    except DemoError as exc:
        raise UserError(str(exc)) from exc
    click.echo(result.status_text)
    click.echo(f"\nBảng tổng hợp: {result.master}")


def _campaign_or_sample(directory: Path | None):
    """The campaign in ``directory`` if it has one, else the built-in sample's catalogue."""
    if directory is not None and (directory / campaign_mod.CAMPAIGN_FILE).exists():
        return _load(directory), directory / "templates"
    return campaign_mod.sample_campaign(SAMPLE), directory


if __name__ == "__main__":  # pragma: no cover
    main()
