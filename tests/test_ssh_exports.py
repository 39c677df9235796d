"""Pilot: over SSH, exports and screenshots land in the member's export folder, and only there.

The app is an SSH session when the server named it so (``FRONTDESK_SESSION=ssh:…``); the
store is ``tmp_path/frontdesk.db``, so 陈静's folder is ``tmp_path/exports/chenjing``. At the
desk and over SSH, an existing file is replaced only after a yes.
"""

from __future__ import annotations

import pytest
from openpyxl import load_workbook
from textual.command import CommandPalette
from textual.widgets import Input, Static

from screens.dialogs import ConfirmScreen
from screens.export_dialog import ExportScreen
from screens.stats.statistics import StatisticsScreen
from tests.conftest import settle

DEFAULT_NAME = "展厅来店统计-2026-11.xlsx"


@pytest.fixture
def over_ssh(monkeypatch, tmp_path):
    """This app is 陈静's SSH session; the server's home and current folder are elsewhere."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DOWNLOAD_DIR", str(home / "Downloads"))
    monkeypatch.chdir(home)
    monkeypatch.setenv("FRONTDESK_SESSION", "ssh:4242.1/1")
    return tmp_path / "exports" / "chenjing"


def every_file(folder) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


async def open_export(pilot) -> None:
    await settle(pilot)
    await pilot.press("f5")
    await settle(pilot)
    assert isinstance(pilot.app.screen, StatisticsScreen)
    await pilot.press("x")
    await settle(pilot)
    assert isinstance(pilot.app.screen, ExportScreen)


def hint(app) -> str:
    return str(app.screen.query_one("#export-hint", Static).render())


async def test_an_ssh_sessions_export_lands_in_the_members_folder(
    showroom, make_app, over_ssh, tmp_path
):
    app = make_app(staff=showroom["chenjing"])
    async with app.run_test(size=(80, 24)) as pilot:
        await open_export(pilot)
        assert app.screen.query_one("#export-path", Input).value == DEFAULT_NAME
        for typed in (str(tmp_path / "统计.csv"), "../统计.csv", "sub/统计.csv"):
            app.screen.query_one("#export-path", Input).value = typed
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, ExportScreen), typed  # refused, asked again
            assert "只输入文件名" in hint(app)
        app.screen.query_one("#export-path", Input).value = DEFAULT_NAME
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, StatisticsScreen)
    assert every_file(tmp_path / "home") == []  # nothing in the server's home
    assert every_file(over_ssh) == [DEFAULT_NAME]
    assert not (tmp_path / "统计.csv").exists()
    assert load_workbook(over_ssh / DEFAULT_NAME).active.cell(1, 1).value == "展厅来店(电)统计表"


@pytest.mark.parametrize("ssh", [True, False], ids=["over-ssh", "at-the-desk"])
async def test_an_existing_file_is_replaced_only_after_a_yes(
    showroom, make_app, over_ssh, monkeypatch, ssh
):
    if not ssh:
        monkeypatch.delenv("FRONTDESK_SESSION")
    folder = over_ssh if ssh else over_ssh.parent.parent / "home"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / DEFAULT_NAME).write_text("last month's copy")
    app = make_app(staff=showroom["chenjing"])
    async with app.run_test(size=(80, 24)) as pilot:
        await open_export(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)  # asked, not replaced
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, ExportScreen)
        assert (folder / DEFAULT_NAME).read_text() == "last month's copy"
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, StatisticsScreen)
    assert load_workbook(folder / DEFAULT_NAME).active.cell(1, 1).value == "展厅来店(电)统计表"


async def test_a_screenshot_over_ssh_lands_in_the_members_folder(
    showroom, make_app, over_ssh, tmp_path
):
    app = make_app(staff=showroom["chenjing"])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for _ in range(2):  # the same second twice: a second file, the first kept
            await pilot.press("ctrl+p")
            await settle(pilot)
            assert isinstance(app.screen, CommandPalette)
            await pilot.press(*"截图")
            await settle(pilot, 0.3)
            await pilot.press("enter")
            await settle(pilot, 0.3)
    assert every_file(tmp_path / "home") == []
    assert every_file(over_ssh) == ["截图-20261125-103000 (2).svg", "截图-20261125-103000.svg"]
    assert (over_ssh / "截图-20261125-103000.svg").read_text().startswith("<svg")
