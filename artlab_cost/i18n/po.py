"""Reading .po catalogues and writing gettext .mo files, with the standard library only (no msgfmt needed)."""

from __future__ import annotations

import ast
import struct
from pathlib import Path

HERE = Path(__file__).resolve().parent


def read_po(path: Path) -> dict[str, str]:
    """msgid -> msgstr of a .po file (no plural forms or contexts: the catalogues use neither)."""
    entries: dict[str, str] = {}
    key: str | None = None
    field = ""
    parts: dict[str, list[str]] = {}

    def flush() -> None:
        if "msgid" in parts:
            msgid = "".join(parts["msgid"])
            if msgid in entries:
                raise ValueError(f"{path}: msgid {msgid!r} appears twice")
            entries[msgid] = "".join(parts.get("msgstr", []))
        parts.clear()

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith(("msgid ", "msgstr ")):
            field, _, rest = line.partition(" ")
            if field == "msgid":
                flush()
            key = field
            parts[field] = [_string(rest, path, number)]
        elif line.startswith('"') and key is not None:
            parts[field].append(_string(line, path, number))
        else:
            raise ValueError(f"{path}:{number}: cannot read {line!r}")
    flush()
    entries.pop("", None)  # the header
    return entries


def _string(token: str, path: Path, number: int) -> str:
    if not (token.startswith('"') and token.endswith('"')):
        raise ValueError(f"{path}:{number}: expected a quoted string")
    value = ast.literal_eval(token)
    assert isinstance(value, str)
    return value


def mo_bytes(entries: dict[str, str]) -> bytes:
    """The GNU .mo form of a catalogue (little-endian, no hash table), readable by gettext.GNUTranslations."""
    header = "Content-Type: text/plain; charset=UTF-8\n"
    items = sorted({"": header, **{k: v for k, v in entries.items() if v}}.items())
    ids = [k.encode("utf-8") for k, _ in items]
    strs = [v.encode("utf-8") for _, v in items]
    count = len(items)
    table_start = 7 * 4
    data_start = table_start + 16 * count
    offsets: list[tuple[int, int]] = []
    blob = b""
    for chunk in ids + strs:
        offsets.append((len(chunk), data_start + len(blob)))
        blob += chunk + b"\0"
    out = struct.pack("<7I", 0x950412DE, 0, count, table_start, table_start + 8 * count, 0, 0)
    for length, offset in offsets:
        out += struct.pack("<2I", length, offset)
    return out + blob


def compile_all() -> list[Path]:
    written = []
    for po in sorted(HERE.glob("*.po")):
        target = po.with_suffix(".mo")
        target.write_bytes(mo_bytes(read_po(po)))
        written.append(target)
    return written
