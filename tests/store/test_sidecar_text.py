"""A sidecar is written on one line by json's C encoder: the same JSON object the indented text held."""
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
    for i, sc in enumerate(cases):
        archived = tmp_path / f"{i}.xlsx"
        archived.write_bytes(b"x")
        path = sidecar.write(archived, sc)
        text = path.read_text(encoding="utf-8")
        assert "\n" not in text
        assert json.loads(text) == _indented(sc)
        back = sidecar.read(path)
        assert (back.sha256, back.source, back.received_at, back.notes) == (sc.sha256, sc.source, sc.received_at,
                                                                             sc.notes)
