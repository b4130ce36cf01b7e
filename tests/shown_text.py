"""Text as a person reads it on the page.

``ui_common.md`` keeps data inert for Markdown with backslash escapes and an invisible word joiner (U+2060)
after «: - < > =» (Streamlit would otherwise turn «:material/x:» into an icon or «->» into an arrow); the
browser shows neither.  Tests compare what a person reads, so they undo both here — one place, not a
``.replace("\\u2060", "")`` in every test module.
"""

from __future__ import annotations

import re

WORD_JOINER = "\u2060"


def without_joiners(text: str) -> str:
    """``text`` without md()'s invisible word joiners (escapes kept: for checks of the escaping itself)."""
    return text.replace(WORD_JOINER, "")


def as_read(markdown: str) -> str:
    """Markdown source of data text as the browser shows it: escapes resolved (``\\*`` → ``*``), no joiners."""
    return re.sub(r"\\(.)", r"\1", without_joiners(markdown))
