"""What is kept of each recorded file: a line of its run's journal, written by json's C encoder, holding the
JSON object the earlier indented sidecar held; the journals and the sidecar files of earlier versions read
back, the last word winning, a line a kill cut short left out."""
from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime

from sheets_tools.core.findings import Finding
from sheets_tools.store import sidecar


def _indented(sc: sidecar.Sidecar) -> dict:
    """The object the sidecar's earlier text (indented, every field through ``asdict``) parsed to."""
    data = {"kind": sidecar.KIND, "version": 1, **asdict(sc)}
    data["received_at"], data["collected_at"] = sc.received_at.isoformat(), sc.collected_at.isoformat()
    return json.loads(json.dumps(data, ensure_ascii=False, indent=1, default=str))


def test_the_one_line_sidecar_holds_what_the_indented_one_held(tmp_path):
    notes = [Finding(code="mail.no_date", severity="warning", message="Thư không có ngày gửi", file="thư.eml",
                     value=3)]
    cases = [
        sidecar.Sidecar(sha256="a" * 64, name="Đăng ký.xlsx", source="hộp thư/Đăng ký.xlsx",
                        received_at=datetime(2026, 1, 2, 3, 4, 5), collected_at=datetime(2026, 1, 3, 8, 0),
                        run="r1", notes=notes, documents=[{"name": "QĐ.pdf", "size": 12}], sent=["QĐ.pdf"],
                        form="registration", unit="VP", status="accepted"),
        sidecar.Sidecar(sha256="b" * 64, name="lạ.xlsx", source="lạ.xlsx", received_at=datetime(2026, 5, 1),
                        collected_at=datetime(2026, 5, 2), findings=[
                            Finding(code="file.unknown_form", severity="error", message="Không nhận ra biểu mẫu",
                                    sheet="Sheet1", cell="A1", value=datetime(2026, 1, 1))], guessed=True),
    ]
    journal = sidecar.Journal(tmp_path)
    archived = []
    for i, sc in enumerate(cases):
        archived.append(tmp_path / "archive" / "ab" / f"{i}.xlsx")
        archived[-1].parent.mkdir(parents=True, exist_ok=True)
        archived[-1].write_bytes(b"x")
        journal.append(archived[-1], sc)
    journal.close()
    lines = journal.path.read_text(encoding="utf-8").split("\n")
    assert journal.path.parent == tmp_path / "archive" / sidecar.JOURNAL_DIR and lines[-1] == ""
    for i, (line, sc) in enumerate(zip(lines, cases)):
        assert json.loads(line) == {"archive": f"archive/ab/{i}.xlsx", **_indented(sc)}
    kept, bad = sidecar.read_all(tmp_path, _files(tmp_path))
    assert not bad and list(kept) == archived
    assert list(kept.values())[0] == cases[0]
    for back, sc in zip(kept.values(), cases):  # values JSON cannot hold (a date in a finding) come back as text
        assert json.loads(json.dumps(sidecar.to_json(back), ensure_ascii=False, default=str)) == _indented(sc)


def _files(folder):
    return sorted(p for p in (folder / "archive").rglob("*") if p.is_file())


def _case(name: str, status: str) -> sidecar.Sidecar:
    return sidecar.Sidecar(sha256="c" * 64, name=name, source=name, received_at=datetime(2026, 1, 2),
                           collected_at=datetime(2026, 1, 3), status=status)


def test_the_last_word_wins_and_a_line_cut_short_is_left_out(tmp_path):
    a, b, c = (tmp_path / "archive" / "cd" / f"{n}.xlsx" for n in "abc")
    a.parent.mkdir(parents=True)
    for path in (a, b, c):
        path.write_bytes(b"x")
    old = sidecar.path_of(a)  # an earlier version's sidecar file, said again by a journal
    old.write_text(json.dumps(sidecar.to_json(_case("a.xlsx", "rejected"))), encoding="utf-8")
    sidecar.path_of(b).write_text(json.dumps(sidecar.to_json(_case("b.xlsx", "accepted"))), encoding="utf-8")
    first, second = sidecar.Journal(tmp_path), sidecar.Journal(tmp_path)
    first.append(a, _case("a.xlsx", "accepted"))
    first.append(c, _case("c.xlsx", "rejected"))
    first.close()
    second.append(c, _case("c.xlsx", "accepted_with_warnings"))
    second.close()
    assert first.path.name < second.path.name  # named by the time they began
    with open(second.path, "a", encoding="utf-8") as fh:
        fh.write('{"archive": "archive/cd/b.xlsx", "kind": "sheets')  # a kill while writing: no line end
    kept, bad = sidecar.read_all(tmp_path, _files(tmp_path))
    assert not bad
    assert {p.name: sc.status for p, sc in kept.items()} == {"a.xlsx": "accepted", "b.xlsx": "accepted",
                                                             "c.xlsx": "accepted_with_warnings"}
    text = first.path.read_text(encoding="utf-8").split("\n")
    first.path.write_text("\n".join([text[0], "{hỏng", *text[1:]]), encoding="utf-8")  # a damaged line
    kept, bad = sidecar.read_all(tmp_path, _files(tmp_path))
    assert [where for where, _ in bad] == [f"{first.path}, dòng 2"]
    assert {p.name for p in kept} == {"a.xlsx", "b.xlsx", "c.xlsx"}
