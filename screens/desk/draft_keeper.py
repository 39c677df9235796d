"""Keeping a form's draft (草稿) in the store at every change, one write at a time.

Each change asks for a write; while one is in flight the requests coalesce, and when it
finishes the latest typing is written next. So a kill loses at most the keys typed during
the last write (one key, at a typist's pace), and a burst of keys costs two writes, not
one per key. A save or a discard waits for the write in flight (``then``), so that a draft
written late never outlives the registration it was the draft of.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.dom import DOMNode

from frontdesk.errors import FrontdeskError
from frontdesk.store import drafts
from screens.db import run_db


class DraftKeeper:
    """Writes ``payload()`` as the draft of ``form`` for ``owner`` whenever asked.

    ``payload()`` returns None when there is nothing to keep (the form is saving, or
    nothing was typed). ``on_kept`` and ``on_failed`` are called on the UI thread after
    each write; the next change tries again after a failure.
    """

    def __init__(
        self,
        node: DOMNode,
        owner: str,
        form: str,
        payload: Callable[[], dict | None],
        on_kept: Callable[[], None],
        on_failed: Callable[[FrontdeskError], None],
    ) -> None:
        self.node = node
        self.owner = owner
        self.form = form
        self.payload = payload
        self.on_kept = on_kept
        self.on_failed = on_failed
        self.writing = False  # a write is in flight
        self._again = False  # changes came while it was: write once more when it ends
        self._waiting: list[Callable[[], None]] = []  # to run once the write in flight ends

    def changed(self) -> None:
        """The form changed: write its draft now, or right after the write in flight."""
        if self.writing:
            self._again = True
        else:
            self._write()

    def then(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` once no draft write is in flight (at once if none is)."""
        if self.writing:
            self._waiting.append(callback)
        else:
            callback()

    def _write(self) -> None:
        payload = self.payload()
        if payload is None:
            return
        self.writing, self._again = True, False
        run_db(
            self.node,
            drafts.save_draft,
            self.owner,
            self.form,
            payload,
            on_done=lambda _: self._written(None),
            on_error=self._written,
            group="draft",
        )

    def _written(self, error: FrontdeskError | None) -> None:
        self.writing = False
        if error is None:
            self.on_kept()
        else:
            self.on_failed(error)
        waiting, self._waiting = self._waiting, []
        for callback in waiting:  # a save, a discard: the draft written so far is theirs
            callback()
        if self._again:
            self._write()
