"""User text shown, never obeyed: control characters written as visible escapes (\\x1b)."""

from __future__ import annotations

import re

# Characters that steer a terminal rather than show: C0 and C1 controls, DEL, and the bidirectional
# overrides that reorder what is shown. In user text (names, labels, sources) they are written as
# visible escapes, so a scenario's name can never clear a screen or recolour an output (issue: user
# text is data).
_CONTROLS = [*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0), *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
VISIBLE = {c: (f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}") for c in _CONTROLS}
LINE_VISIBLE = {c: v for c, v in VISIBLE.items() if c != 0x0A}  # keeps line breaks (ours, between lines)


_CONTROL = re.compile("[" + "".join(re.escape(chr(c)) for c in _CONTROLS) + "]")
_CONTROL_BUT_NEWLINE = re.compile("[" + "".join(re.escape(chr(c)) for c in _CONTROLS if c != 0x0A) + "]")


def visible(text: str) -> str:
    """Text with every control character escaped visibly (\\x1b), line breaks included."""
    return text.translate(VISIBLE) if _CONTROL.search(text) else text


def visible_lines(text: str) -> str:
    """Text with every control character but the line break escaped visibly."""
    return text.translate(LINE_VISIBLE) if _CONTROL_BUT_NEWLINE.search(text) else text
