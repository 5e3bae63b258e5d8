"""The guide's markdown, read into plain blocks: headings, paragraphs, lists, tables, code, pictures.

Only what the guide itself uses is understood (no dependency): ``#``-headings, paragraphs (lines joined),
``-`` and ``1.`` list items (a line indented under an item continues it), ``|`` tables, fenced code blocks
and a picture alone on its line (``![caption](img/file.png)``). Inline, ``**bold**`` and `` `code` `` are kept
as runs (``runs``); a link ``[text](address)`` keeps its text and its address.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

_HEADING = re.compile(r"^(#{1,4})\s+(.*?)\s*#*\s*$")
_BULLET = re.compile(r"^(\s*)[-*]\s+(.*)$")
_NUMBER = re.compile(r"^(\s*)(\d+)[.)]\s+(.*)$")
_IMAGE = re.compile(r"^!\[([^\]]*)\]\(([^)\s]+)\)\s*$")
_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
_INLINE = re.compile(r"(\*\*.+?\*\*|`[^`]+`|\[[^\]]+\]\([^)\s]+\))")


@dataclass
class Block:
    """One block of the guide: ``kind`` is heading, paragraph, bullets, numbers, table, code or image."""
    kind: str
    text: str = ""
    level: int = 0
    items: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    start: int = 1


def parse(text: str) -> list[Block]:
    """The blocks of a markdown text, in order."""
    blocks: list[Block] = []
    lines = text.replace("\r\n", "\n").split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            i += 1
        elif line.lstrip().startswith("```"):
            i = _code(lines, i, blocks)
        elif m := _HEADING.match(line):
            blocks.append(Block("heading", m.group(2), level=len(m.group(1))))
            i += 1
        elif m := _IMAGE.match(line.strip()):
            blocks.append(Block("image", m.group(1), items=[m.group(2)]))
            i += 1
        elif line.lstrip().startswith("|"):
            i = _table(lines, i, blocks)
        elif _BULLET.match(line) or _NUMBER.match(line):
            i = _list(lines, i, blocks)
        else:
            i = _paragraph(lines, i, blocks)
    return blocks


def _code(lines: list[str], i: int, blocks: list[Block]) -> int:
    body = []
    i += 1
    while i < len(lines) and not lines[i].lstrip().startswith("```"):
        body.append(lines[i])
        i += 1
    blocks.append(Block("code", "\n".join(body)))
    return i + 1


def _table(lines: list[str], i: int, blocks: list[Block]) -> int:
    rows = []
    while i < len(lines) and lines[i].lstrip().startswith("|"):
        if not _RULE.match(lines[i]):
            rows.append([cell.strip() for cell in lines[i].strip().strip("|").split("|")])
        i += 1
    blocks.append(Block("table", rows=rows))
    return i


def _list(lines: list[str], i: int, blocks: list[Block]) -> int:
    ordered = bool(_NUMBER.match(lines[i]))
    start = int(_NUMBER.match(lines[i]).group(2)) if ordered else 1
    items: list[str] = []
    while i < len(lines) and lines[i].strip():
        line = lines[i]
        m = _NUMBER.match(line) if ordered else _BULLET.match(line)
        if m and not m.group(1):
            items.append(m.group(m.lastindex))
        elif items and line.startswith((" ", "\t")):
            items[-1] += " " + line.strip()
        else:
            break
        i += 1
    blocks.append(Block("numbers" if ordered else "bullets", items=items, start=start))
    return i


def _paragraph(lines: list[str], i: int, blocks: list[Block]) -> int:
    body = []
    while i < len(lines) and lines[i].strip() and not (
            _HEADING.match(lines[i]) or lines[i].lstrip().startswith(("|", "```"))
            or _BULLET.match(lines[i]) or _NUMBER.match(lines[i]) or _IMAGE.match(lines[i].strip())):
        body.append(lines[i].strip())
        i += 1
    blocks.append(Block("paragraph", " ".join(body)))
    return i


def runs(text: str) -> list[tuple[str, str]]:
    """The inline pieces of ``text`` as (style, text): style "" plain, "bold", "code"; a link becomes its
    text followed by its address in brackets (a printed page cannot be clicked)."""
    out: list[tuple[str, str]] = []
    for piece in _INLINE.split(text):
        if not piece:
            continue
        if piece.startswith("**") and piece.endswith("**") and len(piece) > 4:
            out.append(("bold", piece[2:-2]))
        elif piece.startswith("`") and piece.endswith("`") and len(piece) > 2:
            out.append(("code", piece[1:-1]))
        elif m := re.fullmatch(r"\[([^\]]+)\]\(([^)\s]+)\)", piece):
            out.append(("", m.group(1)))
            if m.group(2).startswith(("http://", "https://")) and m.group(2) not in m.group(1):
                out.append(("", f" ({m.group(2)})"))
        else:
            out.append(("", piece))
    return out


def plain(text: str) -> str:
    """``text`` without its inline marks."""
    return "".join(t for _, t in runs(text))


def images(text: str) -> list[str]:
    """The relative paths of the pictures a markdown text shows, in order."""
    return [b.items[0] for b in parse(text) if b.kind == "image"]
