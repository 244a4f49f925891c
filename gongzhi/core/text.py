"""Free text as people type or paste it, made safe to store and show.

Two kinds of invisible characters are taken out of every free-text input (forms through
core.forms.StyledFormMixin, the API through its schemas):

- bidirectional controls (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C): they reorder
  the text around them when it is shown, so that `RTL\\u202etxt.exe` reads as "RTLexe.txt" on a
  page, in a PDF or in a spreadsheet. Chinese text never needs them;
- the other control characters (C0 and DEL) except tab, line feed and carriage return: NUL cannot
  be stored in PostgreSQL text, and the rest only garble a page.

Forms remove both (people paste them unknowingly); the API removes the bidi controls and refuses
the other control characters, which its OpenAPI schema says it does not accept (`TEXT_CHARACTERS`)."""

from __future__ import annotations

import re

# The controls of the Unicode bidirectional algorithm (UAX #9): embeddings and overrides, isolates,
# the left-to-right, right-to-left and Arabic letter marks.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
BIDI_CLASS = r"\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"  # inside [...], in Python, Rust and ECMA-262 regex
# C0 controls and DEL, without tab, line feed and carriage return.
CONTROL_CLASS = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f"

BIDI_RE = re.compile(f"[{BIDI_CLASS}]")
CONTROL_RE = re.compile(f"[{CONTROL_CLASS}]")
_BOTH_RE = re.compile(f"[{BIDI_CLASS}{CONTROL_CLASS}]")


def strip_bidi(text: str) -> str:
    """`text` without bidirectional controls."""
    return BIDI_RE.sub("", text) if text else text


def has_control(text: str) -> bool:
    """Whether `text` holds a control character other than tab, line feed and carriage return."""
    return bool(CONTROL_RE.search(text))


def neutralise(text: str) -> str:
    """`text` without bidirectional controls and without the control characters other than tab,
    line feed and carriage return."""
    return _BOTH_RE.sub("", text) if text else text
