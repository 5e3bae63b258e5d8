"""A minimal writer of compound files ([MS-CFB] version 3): the container a ``vbaProject.bin`` is.

``compound_file({"PROJECT": b"...", "VBA/dir": b"..."})`` returns the bytes of a compound file holding
those streams; a path's folders become storages. 512-byte sectors; a stream shorter than 4096 bytes
lives in the mini stream (64-byte mini sectors, chained by the MiniFAT); the FAT's own sectors are
listed in the header's DIFAT (up to 109 of them, about 6.8 MB of content: more is refused with a
ValueError). Each storage's children form a red-black tree (balanced, built from the names in the
specification's order, the incomplete bottom level red). CLSIDs, state bits and times are zero, so the
same input always gives the same bytes.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass, field
from typing import Mapping

SECTOR = 512
MINI_SECTOR = 64
MINI_CUTOFF = 4096
HEADER_DIFAT = 109
FREESECT, ENDOFCHAIN, FATSECT = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
NOSTREAM = 0xFFFFFFFF
SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")
_STORAGE, _STREAM, _ROOT = 1, 2, 5
_RED, _BLACK = 0, 1
_FORBIDDEN = set("/\\:!")


@dataclass
class _Entry:
    name: str
    kind: int
    data: bytes = b""
    children: dict[str, "_Entry"] = field(default_factory=dict)
    index: int = 0
    left: int = NOSTREAM
    right: int = NOSTREAM
    child: int = NOSTREAM
    color: int = _BLACK
    start: int = ENDOFCHAIN
    size: int = 0


def compound_file(streams: Mapping[str, bytes]) -> bytes:
    """The bytes of a compound file holding ``streams`` (path with "/" between storages -> content)."""
    root = _Entry("Root Entry", _ROOT)
    for path, data in streams.items():
        _place(root, path, bytes(data))
    entries = _number(root)
    for entry in entries:
        if entry.children:
            entry.child = _tree(list(entry.children.values()))
    return _Layout(entries).build()


def _check_name(name: str, path: str) -> None:
    if not name or len(name) > 31 or any(c in _FORBIDDEN or ord(c) < 32 for c in name):
        raise ValueError(f"compound file: bad name {name!r} in {path!r} (1 to 31 characters, none of / \\ : !)")


def _place(root: _Entry, path: str, data: bytes) -> None:
    *folders, leaf = path.split("/")
    node = root
    for name in folders:
        _check_name(name, path)
        found = node.children.get(name.upper())
        if found is None:
            found = node.children[name.upper()] = _Entry(name, _STORAGE)
        elif found.kind != _STORAGE:
            raise ValueError(f"compound file: {path!r} puts a stream inside the stream {name!r}")
        node = found
    _check_name(leaf, path)
    if leaf.upper() in node.children:
        raise ValueError(f"compound file: {path!r} is given twice (names ignore case)")
    node.children[leaf.upper()] = _Entry(leaf, _STREAM, data)


def _number(root: _Entry) -> list[_Entry]:
    """Every entry in directory order (root first, then depth first), each knowing its index."""
    entries: list[_Entry] = []
    todo = [root]
    while todo:
        entry = todo.pop(0)
        entry.index = len(entries)
        entries.append(entry)
        todo[0:0] = sorted(entry.children.values(), key=_order)
    return entries


def _order(entry: _Entry) -> tuple[int, tuple[int, ...]]:
    """[MS-CFB] 2.6.4: shorter names first, then by upper-cased UTF-16 code units."""
    units = entry.name.upper().encode("utf-16-le")
    return len(units) // 2, struct.unpack(f"<{len(units) // 2}H", units)


def _tree(children: list[_Entry]) -> int:
    """Link ``children`` as a balanced binary search tree; colour it red-black; return the root's index.

    Built from the middle of the sorted names, every level but the last is full, so every path from the
    root to a missing child has the same number of nodes above the last level: those are black, the nodes
    of an incomplete last level red (they have no children, so no red node has a red child)."""
    ordered = sorted(children, key=_order)
    depths: dict[int, int] = {}

    def link(lo: int, hi: int, depth: int) -> int:
        if lo >= hi:
            return NOSTREAM
        mid = (lo + hi) // 2
        node = ordered[mid]
        depths[node.index] = depth
        node.left = link(lo, mid, depth + 1)
        node.right = link(mid + 1, hi, depth + 1)
        return node.index

    top = link(0, len(ordered), 0)
    deepest = max(depths.values())
    full = len(ordered) == 2 ** (deepest + 1) - 1
    for node in ordered:
        node.color = _RED if deepest > 0 and not full and depths[node.index] == deepest else _BLACK
    return top


def _sectors(size: int, unit: int) -> int:
    return -(-size // unit)


class _Layout:
    """Where everything goes: [FAT][directory][MiniFAT][mini stream][large streams]."""

    def __init__(self, entries: list[_Entry]):
        self.entries = entries
        self.small = [e for e in entries if e.kind == _STREAM and 0 < len(e.data) < MINI_CUTOFF]
        self.large = [e for e in entries if e.kind == _STREAM and len(e.data) >= MINI_CUTOFF]

    def build(self) -> bytes:
        mini_fat: list[int] = []
        mini = bytearray()
        for entry in self.small:
            count = _sectors(len(entry.data), MINI_SECTOR)
            entry.start, entry.size = len(mini_fat), len(entry.data)
            mini_fat += [len(mini_fat) + i + 1 for i in range(count - 1)] + [ENDOFCHAIN]
            mini += entry.data.ljust(count * MINI_SECTOR, b"\0")
        n_dir = _sectors(len(self.entries), SECTOR // 128)
        n_minifat = _sectors(len(mini_fat) * 4, SECTOR)
        n_mini = _sectors(len(mini), SECTOR)
        n_large = sum(_sectors(len(e.data), SECTOR) for e in self.large)
        content = n_dir + n_minifat + n_mini + n_large
        n_fat = 1
        while n_fat * (SECTOR // 4) < content + n_fat:
            n_fat += 1
        if n_fat > HEADER_DIFAT:
            raise ValueError(f"compound file: {content * SECTOR} bytes of content need {n_fat} FAT sectors; "
                             f"this writer stops at {HEADER_DIFAT} (about 6.8 MB)")
        fat: list[int] = [FATSECT] * n_fat
        body = bytearray()

        def chain(data: bytes, count: int) -> int:
            first = len(fat)
            fat.extend([first + i + 1 for i in range(count - 1)] + [ENDOFCHAIN] if count else [])
            body.extend(data.ljust(count * SECTOR, b"\0"))
            return first if count else ENDOFCHAIN

        dir_start = len(fat)
        fat.extend([dir_start + i + 1 for i in range(n_dir - 1)] + [ENDOFCHAIN])
        body.extend(bytes(n_dir * SECTOR))  # directory: filled in below, once every start is known
        minifat_start = chain(b"".join(struct.pack("<I", v) for v in mini_fat), n_minifat)
        root = self.entries[0]
        root.start, root.size = chain(bytes(mini), n_mini), len(mini)
        for entry in self.large:
            entry.start, entry.size = chain(entry.data, _sectors(len(entry.data), SECTOR)), len(entry.data)
        fat_bytes = b"".join(struct.pack("<I", v) for v in fat).ljust(n_fat * SECTOR, b"\xff")
        unused = n_dir * (SECTOR // 128) - len(self.entries)
        body[0:n_dir * SECTOR] = b"".join(_dir_entry(e) for e in self.entries) + _unused() * unused
        header = _header(n_fat, dir_start, minifat_start, n_minifat)
        return header + fat_bytes + bytes(body)


def _header(n_fat: int, dir_start: int, minifat_start: int, n_minifat: int) -> bytes:
    difat = list(range(n_fat)) + [FREESECT] * (HEADER_DIFAT - n_fat)
    head = SIGNATURE + bytes(16) + struct.pack(
        "<HHHHH6sIIIIIIIII", 0x003E, 0x0003, 0xFFFE, 9, 6, bytes(6), 0, n_fat, dir_start, 0, MINI_CUTOFF,
        minifat_start if n_minifat else ENDOFCHAIN, n_minifat, ENDOFCHAIN, 0)
    return head + struct.pack(f"<{HEADER_DIFAT}I", *difat)


def _dir_entry(entry: _Entry) -> bytes:
    name = (entry.name + "\0").encode("utf-16-le")
    start = entry.start if entry.kind != _STORAGE else 0
    return (name.ljust(64, b"\0") + struct.pack("<HBBIII", len(name), entry.kind, entry.color, entry.left,
                                                  entry.right, entry.child)
            + bytes(16) + struct.pack("<IQQIQ", 0, 0, 0, start, entry.size))


def _unused() -> bytes:
    return bytes(64) + struct.pack("<HBBIII", 0, 0, 0, NOSTREAM, NOSTREAM, NOSTREAM) + bytes(16 + 20) \
        + struct.pack("<IQ", 0, 0)
