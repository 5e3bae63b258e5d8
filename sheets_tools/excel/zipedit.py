"""An .xlsx copied with a few of its parts changed, without opening it as a workbook.

A workbook the tool wrote once (with openpyxl) is kept as its parts' bytes; each copy changes only the
parts it names (e.g. a sheet, the defined names, the custom properties) and may add parts; the others are
copied as they are, in the same order.
"""
from __future__ import annotations

import io
import zipfile


class XlsxParts:
    """The parts of one .xlsx (``data``: the file's bytes), to make copies of it."""

    def __init__(self, data: bytes):
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            self._infos = z.infolist()
            self._parts = {info.filename: z.read(info) for info in self._infos}

    def names(self) -> list[str]:
        """The parts' names, in the file's order."""
        return [info.filename for info in self._infos]

    def part(self, name: str) -> bytes:
        """The bytes of part ``name`` (KeyError when there is none)."""
        return self._parts[name]

    def copy(self, changed: dict[str, bytes], added: dict[str, bytes] | None = None) -> bytes:
        """The .xlsx's bytes with the parts in ``changed`` replaced (each must exist already) and the parts
        ``added`` (none of which may exist) after them."""
        unknown = set(changed) - set(self._parts)
        twice = set(added or {}) & set(self._parts)
        if unknown or twice:
            raise KeyError(f"no such part or already there: {', '.join(sorted(unknown | twice))}")
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            for info in self._infos:
                z.writestr(info, changed.get(info.filename, self._parts[info.filename]),
                           compress_type=zipfile.ZIP_DEFLATED)
            for name, data in (added or {}).items():
                z.writestr(name, data)
        return out.getvalue()
