"""What a client sent (a TERM, a command, a path, a login), as the log and the audit show it.

A client chooses these bytes: a TERM like ``xterm\\x1b]2;…`` would otherwise reach the
server's log, and the terminal of whoever reads it, as a live escape sequence. Every
character that does not print is written as its Python escape, a backslash too, so what
is shown can always be read back as what was sent; and it is cut to a length.
"""

from __future__ import annotations

MAX_SHOWN = 200


def printable(text: str, limit: int = MAX_SHOWN) -> str:
    """``text`` with control and other unprintable characters escaped (``\\x1b``), cut at
    ``limit`` characters (an ellipsis says it was)."""
    shown = "".join(
        c if c.isprintable() and c != "\\" else c.encode("unicode_escape").decode("ascii")
        for c in text[: limit + 1]
    )
    return shown if len(shown) <= limit else shown[:limit] + "…"
