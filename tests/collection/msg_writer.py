"""A test-side writer of Outlook .msg files: a minimal Compound File Binary (CFB, version 3) writer and
the MAPI property streams of a message, its recipients and its attachments.

CFB: 512-byte sectors; a FAT (no DIFAT: up to 109 FAT sectors, files up to about 7 MB); a directory of
128-byte entries, each storage's children kept as a balanced binary tree in CFB name order; streams under
4096 bytes in the mini stream (64-byte mini sectors, chained by the mini FAT), which lives in the root
entry's own stream. A .msg: ``__properties_version1.0`` (fixed-size values, sizes of the others),
``__substg1.0_IIIITTTT`` streams (strings, binaries), ``__recip_version1.0_#n`` and
``__attach_version1.0_#n`` storages; an embedded message is a ``__substg1.0_3701000D`` storage.
"""
from __future__ import annotations

import struct
import unicodedata
from datetime import datetime, timezone

MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
SECTOR, MINI, CUTOFF = 512, 64, 4096
FREE, END, FATSECT, NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
PT_LONG, PT_SYSTIME, PT_STRING8, PT_UNICODE, PT_BINARY = 0x0003, 0x0040, 0x001E, 0x001F, 0x0102

Tree = dict  # name -> bytes (a stream) or Tree (a storage)


# --- the compound file ------------------------------------------------------------------------------
def _key(name: str):
    return len(name), name.upper()  # CFB order: shorter names first, then by upper case


class _Entry:
    def __init__(self, name: str, kind: int, data: bytes = b"", children: list["_Entry"] | None = None):
        self.name, self.kind, self.data, self.children = name, kind, data, children or []
        self.left = self.right = self.child = NOSTREAM
        self.start, self.size, self.id = END, 0, 0


def _entries(name: str, tree: Tree, kind: int) -> _Entry:
    children = [_entries(k, v, 1) if isinstance(v, dict) else _Entry(k, 2, v) for k, v in tree.items()]
    return _Entry(name, kind, children=children)


def _number(root: _Entry) -> list[_Entry]:
    flat, queue = [], [root]
    while queue:
        entry = queue.pop(0)
        entry.id = len(flat)
        flat.append(entry)
        queue.extend(entry.children)
    for entry in flat:
        entry.child = _balanced(sorted(entry.children, key=lambda e: _key(e.name)))
    return flat


def _balanced(ordered: list[_Entry]) -> int:
    if not ordered:
        return NOSTREAM
    middle = len(ordered) // 2
    node = ordered[middle]
    node.left, node.right = _balanced(ordered[:middle]), _balanced(ordered[middle + 1:])
    return node.id


def _pad(data: bytes, size: int) -> bytes:
    return data + b"\0" * (-len(data) % size)


def _chain(fat: list[int], start: int, count: int) -> None:
    for i in range(count):
        fat[start + i] = start + i + 1 if i < count - 1 else END


def cfb(tree: Tree) -> bytes:
    """The bytes of a compound file holding ``tree`` (its top level is the root storage)."""
    root = _entries("Root Entry", tree, 5)
    flat = _number(root)
    mini_data, minifat = b"", []
    for entry in flat:
        if entry.kind == 2 and 0 < len(entry.data) < CUTOFF:
            entry.size, entry.start = len(entry.data), len(mini_data) // MINI
            count = -(-len(entry.data) // MINI)
            minifat.extend(range(entry.start + 1, entry.start + count))
            minifat.append(END)
            mini_data += _pad(entry.data, MINI)
    sectors: list[bytes] = []
    fat: list[int] = []

    def place(data: bytes, marker: int | None = None) -> int:
        start, count = len(sectors), -(-len(data) // SECTOR)
        for i in range(count):
            sectors.append(_pad(data[i * SECTOR:(i + 1) * SECTOR], SECTOR))
            fat.append(marker if marker is not None else (start + i + 1 if i < count - 1 else END))
        return start if count else END

    for entry in flat:
        if entry.kind == 2 and len(entry.data) >= CUTOFF:
            entry.size, entry.start = len(entry.data), place(entry.data)
    if mini_data:
        root.size, root.start = len(mini_data), place(mini_data)
    minifat_start = place(b"".join(struct.pack("<I", v) for v in minifat)) if minifat else END
    minifat_count = -(-len(minifat) * 4 // SECTOR)
    directory = b"".join(_dir_entry(e) for e in flat)
    dir_start = place(_pad(directory, SECTOR))
    fat_count = 1
    while (len(sectors) + fat_count) > fat_count * (SECTOR // 4):
        fat_count += 1
    assert fat_count <= 109, "the test writer keeps to files without a DIFAT"
    fat_start = len(sectors)
    fat.extend([FATSECT] * fat_count)
    fat.extend([FREE] * (fat_count * (SECTOR // 4) - len(fat)))
    fat_bytes = b"".join(struct.pack("<I", v) for v in fat)
    for i in range(fat_count):
        sectors.append(fat_bytes[i * SECTOR:(i + 1) * SECTOR])
    difat = [fat_start + i for i in range(fat_count)] + [FREE] * (109 - fat_count)
    header = (MAGIC + b"\0" * 16 + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\0" * 6
              + struct.pack("<IIIIIIIII", 0, fat_count, dir_start, 0, CUTOFF, minifat_start, minifat_count, END, 0)
              + b"".join(struct.pack("<I", v) for v in difat))
    assert len(header) == SECTOR
    return header + b"".join(sectors)


def _dir_entry(e: _Entry) -> bytes:
    name = e.name.encode("utf-16-le")
    assert len(name) <= 62, e.name
    return (_pad(name + b"\0\0", 64)[:64] + struct.pack("<HBB", len(name) + 2, e.kind, 1)
            + struct.pack("<III", e.left, e.right, e.child) + b"\0" * 16 + struct.pack("<IQQ", 0, 0, 0)
            + struct.pack("<IQ", e.start if e.kind != 1 else 0, e.size))


# --- MAPI properties --------------------------------------------------------------------------------
def filetime(when: datetime) -> int:
    when = when if when.tzinfo else when.replace(tzinfo=timezone.utc)
    delta = when - datetime(1601, 1, 1, tzinfo=timezone.utc)
    return (delta.days * 86400 + delta.seconds) * 10_000_000 + delta.microseconds * 10


TONES = "\u0300\u0301\u0303\u0309\u0323"  # the marks Windows-1258 writes after their letter


def _eight_bit(text: str, codepage: str) -> bytes:
    """``text`` in an 8-bit code page; in Windows-1258 a Vietnamese tone mark follows its letter."""
    out = []
    for ch in text:
        try:
            ch.encode(codepage)
            out.append(ch)
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONES))
            out.append(base + "".join(c for c in parts if c in TONES))
    return "".join(out).encode(codepage)


def properties(props: list[tuple[int, int, object]], header: bytes, *, codepage: str = "cp1252") -> Tree:
    """A storage's property stream and substg streams. ``props``: (property id, type, value); strings are
    str (written as UTF-16 for 001F, in ``codepage`` for 001E), binaries bytes, times datetime, longs int."""
    tree: Tree = {}
    stream = bytearray(header)
    for pid, kind, value in props:
        tag = pid << 16 | kind
        if kind in (PT_UNICODE, PT_STRING8, PT_BINARY):
            raw = value if kind == PT_BINARY else \
                value.encode("utf-16-le") if kind == PT_UNICODE else _eight_bit(value, codepage)
            tree[f"__substg1.0_{tag:08X}"] = raw
            size = len(raw) + (2 if kind == PT_UNICODE else 1 if kind == PT_STRING8 else 0)
            stream += struct.pack("<IIII", tag, 6, size, 0)
        elif kind == PT_SYSTIME:
            stream += struct.pack("<IIQ", tag, 6, filetime(value))
        else:
            stream += struct.pack("<IIiI", tag, 6, value, 0)
    tree["__properties_version1.0"] = bytes(stream)
    return tree


def message_tree(*, sender: str | None = "vp@example.gov.vn", sender_name: str = "Văn phòng",
                 to: list[str] = ("stp@example.gov.vn",), subject: str = "Gửi biểu mẫu", body: str = "Kính gửi",
                 sent: datetime | None = None, delivered: datetime | None = None, message_id: str | None = None,
                 attachments: list[tuple[str, bytes]] = (), embedded: list[tuple[str, Tree]] = (),
                 objects: list[tuple[str, Tree]] = (),
                 unicode: bool = True, codepage: int = 1258, embedded_header: bool = False,
                 extra: list[tuple[int, int, object]] = ()) -> Tree:
    """The storages and streams of one message (``embedded``: messages attached inside it, each the tree of
    ``message_tree(embedded_header=True)``, the 24-byte header of a message held inside another; ``objects``:
    OLE objects inserted into the text, each a compound file's tree; ``extra``: more properties of the
    message, as for ``properties``)."""
    text = PT_UNICODE if unicode else PT_STRING8
    enc = f"cp{codepage}"
    props = [(0x001A, text, "IPM.Note"), (0x0037, text, subject), (0x1000, text, body),
             (0x0C1A, text, sender_name), (0x0042, text, sender_name), (0x3FFD, PT_LONG, codepage)]
    if sender:
        props += [(0x0C1F, text, sender), (0x0065, text, sender), (0x0C1E, text, "SMTP")]
    if sent:
        props.append((0x0039, PT_SYSTIME, sent))
    if delivered:
        props.append((0x0E06, PT_SYSTIME, delivered))
    if message_id:
        props.append((0x1035, text, message_id))
    props += list(extra)
    count = len(attachments) + len(embedded) + len(objects)
    header = struct.pack("<8xIIII", len(to), count, len(to), count) + (b"" if embedded_header else b"\0" * 8)
    tree = properties(props, header, codepage=enc)
    tree["__nameid_version1.0"] = {"__substg1.0_00020102": b"", "__substg1.0_00030102": b"",
                                   "__substg1.0_00040102": b""}
    for n, address in enumerate(to):
        tree[f"__recip_version1.0_#{n:08X}"] = properties(
            [(0x3001, text, address), (0x3003, text, address), (0x39FE, text, address), (0x0C15, PT_LONG, 1),
             (0x3002, text, "SMTP")], b"\0" * 8, codepage=enc)
    for n, (name, data) in enumerate(attachments):
        tree[f"__attach_version1.0_#{n:08X}"] = properties(
            [(0x3707, text, name), (0x3704, text, name[:12]), (0x3001, text, name), (0x3705, PT_LONG, 1),
             (0x3701, PT_BINARY, data), (0x370E, text, "application/vnd.openxmlformats-officedocument"
                                                        ".spreadsheetml.sheet")], b"\0" * 8, codepage=enc)
    for n, (name, inner) in enumerate(embedded, start=len(attachments)):
        storage = properties([(0x3001, text, name), (0x3705, PT_LONG, 5)], b"\0" * 8, codepage=enc)
        storage["__substg1.0_3701000D"] = inner
        tree[f"__attach_version1.0_#{n:08X}"] = storage
    for n, (name, inner) in enumerate(objects, start=len(attachments) + len(embedded)):
        storage = properties([(0x3001, text, name), (0x3705, PT_LONG, 6)], b"\0" * 8, codepage=enc)
        storage["__substg1.0_3701000D"] = inner
        tree[f"__attach_version1.0_#{n:08X}"] = storage
    return tree


def build_msg(**kw) -> bytes:
    """The bytes of an Outlook .msg file (keywords of ``message_tree``)."""
    return cfb(message_tree(**kw))
