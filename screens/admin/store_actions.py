"""The keys of the admin screen's settings and code-list pages (``AdminScreen`` holds them)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from frontdesk.i18n import t
from frontdesk.store import codes
from screens.admin.page import PageHost
from screens.admin.store_forms import CodeForm, RenameForm, SettingForm


class StoreActions(PageHost):
    """The settings page (change one) and the code lists (add, correct, retire, restore), on
    what the screen gives them (``PageHost``)."""

    def action_change_setting(self) -> None:
        row = self._current()
        if not isinstance(row, tuple):
            return
        entry, stored = row
        group = self.data.group_values.get(entry.key) if self.data is not None else None
        self._open(
            SettingForm(entry, stored, group),
            lambda value: t("admin.setting_changed", about=entry.description, value=value or "—"),
        )

    # -- the code lists -----------------------------------------------------------------

    def action_add_code(self) -> None:
        row = self._current()
        kind = row.kind if isinstance(row, codes.Code) else codes.MODEL
        self._open(CodeForm(kind), _code_added)

    def action_rename_code(self) -> None:
        code = self._current()
        if not isinstance(code, codes.Code):
            return

        def renamed(result: tuple[Any, int]) -> str:
            row, rows = result
            kind = codes.kind_label(code.kind)
            return t("codes.cli.renamed", kind=kind, before=code.name, after=row.name, rows=rows)

        self._open(RenameForm(code), renamed)

    def action_retire_code(self) -> None:
        self._retire_or_restore(codes.retire_code, "codes.cli.retired")

    def action_restore_code(self) -> None:
        self._retire_or_restore(codes.restore_code, "codes.cli.restored")

    def _retire_or_restore(self, change: Callable[..., Any], message: str) -> None:
        code = self._current()
        if not isinstance(code, codes.Code):
            return
        kind = codes.kind_label(code.kind)
        self._run(
            partial(change, by=self.by),
            code.kind,
            code.name,
            then=lambda row: t(message, kind=kind, name=row.name),
        )


def _code_added(result: tuple[Any, bool]) -> str:
    row, restored = result
    message = "codes.cli.restored" if restored else "codes.cli.added"
    return t(message, kind=codes.kind_label(row.kind), name=row.name)
