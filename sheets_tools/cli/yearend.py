"""Commands of the year end: the award history, the council's ballot and tally, the decision."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from sheets_tools.cli.app import JSON, Say, UsageProblem, UserError, dmy, echo_stale_lock, friendly, load_campaign, main
from sheets_tools.core.findings import has_errors
from sheets_tools.yearend.award import BallotFilled, DecisionDateError, ballot_path, count_votes, make_ballot
from sheets_tools.yearend.document_templates import TemplateBroken
from sheets_tools.yearend.documents import decide_with_documents
from sheets_tools.yearend.history_import import import_history
from sheets_tools.yearend.history_template import template


@main.group(epilog="Ví dụ: sheets-tools history import dot-2024 lich-su-khen-thuong.xlsx")
def history() -> None:
    """Lịch sử khen thưởng các năm trước (dùng kiểm tra danh hiệu nhiều năm liên tục)."""


@history.command("import", epilog="Ví dụ: sheets-tools history import dot-2024 lich-su-khen-thuong.xlsx")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@JSON
@friendly
def history_import(directory: Path, file: Path, as_json: bool) -> None:
    """Nhập các quyết định khen thưởng đã có từ tệp Excel TỆP (nhập lại không bị trùng)."""
    camp = load_campaign(directory)
    result = import_history(camp, file)
    say = Say(as_json)
    say(f"Đã nhập {result.added} dòng mới; {result.unchanged} dòng đã có từ trước.")
    say.findings(result.findings)
    say.done({"added": result.added, "unchanged": result.unchanged, "findings": [f.to_json() for f in result.findings]})
    if has_errors(result.findings):
        sys.exit(1)


@history.command("template", epilog="Ví dụ: sheets-tools history template dot-2024")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@JSON
@friendly
def history_template(directory: Path, as_json: bool) -> None:
    """Tạo tệp Excel mẫu để nhập lịch sử khen thưởng."""
    camp = load_campaign(directory)
    path = template(camp, camp.dir / 'Mẫu nhập lịch sử khen thưởng.xlsx')
    say = Say(as_json)
    say(f"Đã tạo tệp mẫu: {path}")
    say.done({"file": str(path)})


@main.group(epilog="Ví dụ: sheets-tools council ballot dot-2024")
def council() -> None:
    """Hội đồng Thi đua - Khen thưởng: phiếu biểu quyết và kiểm phiếu."""


@council.command("ballot", epilog="Ví dụ: sheets-tools council ballot dot-2024 --counts")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--counts", is_flag=True, help="Ghi số phiếu đồng ý/không đồng ý thay vì một cột cho mỗi thành viên.")
@click.option("--new", "new", is_flag=True,
              help="Lập phiếu mới dù phiếu cũ đã có kết quả; phiếu cũ được lưu thành bản sao ghi ngày giờ.")
@JSON
@friendly
def council_ballot(directory: Path, counts: bool, new: bool, as_json: bool) -> None:
    """Tạo phiếu tổng hợp biểu quyết từ các đề nghị đã kiểm tra đạt yêu cầu.

    Phiếu đã có đánh dấu có mặt hoặc phiếu biểu quyết thì không bị ghi đè (cần --new)."""
    try:
        result = make_ballot(load_campaign(directory), per_member=not counts, new=new)
    except BallotFilled as exc:
        raise UsageProblem(str(exc)) from exc
    if result.path is None:
        raise UserError("Chưa có đề nghị nào đạt yêu cầu cần Hội đồng biểu quyết (hãy chạy collect và consolidate).")
    say = Say(as_json)
    if result.kept:
        say(f"Đã lưu phiếu cũ (có kết quả biểu quyết) thành: {result.kept}")
    if result.busy_target:
        say(f"Tệp {result.busy_target} đang được mở (Excel?) nên được giữ nguyên; phiếu mới ghi bên cạnh: "
            f"{result.path}. Khi kiểm phiếu trên tệp này, hãy ghi tên tệp: "
            f"sheets-tools council tally {directory} \"{result.path}\"")
        if not as_json:
            echo_stale_lock(result.busy_target)
    say(f"Đã tạo phiếu biểu quyết ({result.candidates} trường hợp): {result.path}")
    say.done({"ballot": str(result.path), "candidates": result.candidates,
              "previous_ballot": str(result.kept) if result.kept else None,
              "busy_ballot": str(result.busy_target) if result.busy_target else None})


@council.command("tally", epilog="Ví dụ: sheets-tools council tally dot-2024")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("file", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@JSON
@friendly
def council_tally(directory: Path, file: Path | None, as_json: bool) -> None:
    """Kiểm phiếu: đọc phiếu biểu quyết đã điền (mặc định tệp do lệnh ballot tạo) và lập danh sách kết quả."""
    camp = load_campaign(directory)
    if file is None and not ballot_path(camp).exists():
        raise UserError(f"Chưa có phiếu biểu quyết {ballot_path(camp)}; hãy chạy \"sheets-tools council ballot\".")
    result = count_votes(camp, file)
    t = result.tally
    say = Say(as_json)
    if result.path is None:
        say(f"Tệp {file or ballot_path(camp)} chưa được kiểm phiếu (không có dòng biểu quyết nào kiểm được, "
            "xem các lỗi dưới đây); kết quả đã ghi nhận trước đó được giữ nguyên.")
    else:
        say(f"Thành viên: {t.members}; có mặt: {t.present} (cần {t.quorum_needed}): "
            + ("đủ số lượng." if t.quorum_ok else "KHÔNG đủ số lượng, chưa ai được công nhận."))
        for r in t.results:
            say(f"- {r.name} ({r.unit_name}), {r.award_name}: {r.note}")
        say(f"Đạt: {result.passed}/{len(t.results)}. Danh sách kết quả: {result.path}")
    say.findings(t.findings)
    say.done({"results_file": str(result.path) if result.path else None, "members": t.members, "present": t.present,
              "quorum_needed": t.quorum_needed, "quorum_ok": t.quorum_ok, "passed": result.passed,
              "results": [{"name": r.name, "unit": r.unit_name, "award": r.award_name, "note": r.note}
                          for r in t.results],
              "valid": t.valid, "findings": [f.to_json() for f in t.findings]})
    if not t.valid:
        sys.exit(1)


@main.command("decision", epilog="Ví dụ: sheets-tools decision dot-2024 --number 245/QĐ-STP --date 15/12/2024 --pdf")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--number", default="", help="Số quyết định (khi đã có); kèm --date thì ghi vào lịch sử khen thưởng.")
@click.option("--date", "signed", default=None, help="Ngày ký quyết định, dd/mm/yyyy.")
@click.option("--pdf", is_flag=True, help="Tạo thêm bản PDF của từng văn bản (để ký số), cần LibreOffice.")
@JSON
@friendly
def decision_cmd(directory: Path, number: str, signed: str | None, pdf: bool, as_json: bool) -> None:
    """Lập danh sách khen thưởng (Excel và Word), tờ trình của Văn phòng, quyết định của Giám đốc Sở và tờ
    trình đề nghị Chủ tịch UBND tỉnh (Word, từ các mẫu trong thư mục "mẫu văn bản" của đợt thi đua).

    Lần đầu, các mẫu được chép vào thư mục đó; sửa mẫu bằng Word thì các lần sau dùng mẫu đã sửa.
    Ghi lại với số hoặc ngày quyết định đã sửa thì thay các dòng của lần ghi trước trong lịch sử khen thưởng."""
    try:
        done = decide_with_documents(load_campaign(directory), number=number, signed_on=dmy(signed), pdf=pdf)
    except DecisionDateError as exc:
        raise UsageProblem(str(exc)) from exc
    except TemplateBroken as exc:
        raise UserError(str(exc)) from exc
    result = done.decided
    say = Say(as_json)
    say(f"Danh sách khen thưởng: {len(result.awards)} dòng.")
    for path in result.paths + done.documents + done.pdfs:
        say(f"- {path}")
    if result.waiting:
        say(f"Còn {len(result.waiting)} trường hợp chờ Hội đồng biểu quyết (chạy council ballot, council tally).")
    if result.replaced:
        earlier = ", ".join(f"số {n}" for n in result.earlier) or "ghi trước đó"
        say(f"Đã bỏ {result.replaced} khen thưởng của quyết định {earlier} khỏi lịch sử khen thưởng, "
            f"thay bằng Quyết định số {number} (không ghi trùng).")
    if result.recorded:
        say(f"Đã ghi {result.recorded} khen thưởng vào lịch sử khen thưởng.")
    if not done.pdf_error:
        say.done({"awards": len(result.awards), "files": [str(p) for p in result.paths + done.documents + done.pdfs],
                  "waiting_for_council": len(result.waiting), "recorded_in_history": result.recorded,
                  "replaced_in_history": result.replaced})
    if done.pdf_error:
        raise UserError(f"Đã ghi các văn bản Word ở trên nhưng chưa tạo được PDF: {done.pdf_error}")
