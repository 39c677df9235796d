"""Where an export may go: over SSH a name only, in the member's folder; never replaced unasked."""

from __future__ import annotations

import os
import stat

import pytest

from frontdesk import export_folder
from frontdesk.export_folder import ExportPathError


@pytest.fixture
def folder(tmp_path):
    return export_folder.member_folder("chenjing", root=tmp_path)


def test_the_folder_is_beside_the_store_per_member_and_only_theirs(db, tmp_path):
    folder = export_folder.member_folder("chenjing")  # the store is tmp_path/frontdesk.db
    assert folder == tmp_path / "exports" / "chenjing"
    for place in (folder, folder.parent):
        assert stat.S_IMODE(os.stat(place).st_mode) == 0o700
    os.chmod(folder, 0o755)  # loosened by hand: tightened again when next used
    export_folder.member_folder("chenjing")
    assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
    for login in ("", "../admin", "a/b", "陈静"):
        with pytest.raises(ExportPathError):
            export_folder.member_folder(login)


@pytest.mark.parametrize(
    "name",
    [
        "../x.csv",
        "..",
        ".",
        "/etc/passwd",
        "sub/x.csv",
        "..\\x.csv",
        ".hidden.csv",
        "x\x1b[2J.csv",
        "x\n.csv",
        "",
        "   ",
        "长" * 90 + ".csv",  # 270 bytes in UTF-8: over a file system's 255
    ],
)
def test_only_a_bare_name_is_taken(folder, name):
    with pytest.raises(ExportPathError):
        export_folder.in_folder(folder, name)


def test_a_bare_name_lands_in_the_folder(folder):
    target = export_folder.in_folder(folder, "  展厅来店统计-2026-11.xlsx ")
    assert target.path == folder / "展厅来店统计-2026-11.xlsx"
    assert target.exists is False


def test_a_link_inside_the_folder_is_never_written_through(folder, tmp_path):
    outside = tmp_path / "outside.csv"
    outside.write_text("theirs")
    (folder / "out.csv").symlink_to(outside)
    (folder / "in.csv").write_text("mine")
    (folder / "also-in.csv").symlink_to(folder / "in.csv")
    for name in ("out.csv", "also-in.csv"):
        with pytest.raises(ExportPathError, match="链接"):
            export_folder.in_folder(folder, name)
    assert outside.read_text() == "theirs"


def test_the_folder_itself_may_not_be_a_link(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "exports").mkdir()
    (tmp_path / "exports" / "chenjing").symlink_to(elsewhere)
    with pytest.raises(ExportPathError):
        export_folder.member_folder("chenjing", root=tmp_path)


def test_an_existing_file_is_reported_so_that_the_dialog_asks(folder, tmp_path, monkeypatch):
    (folder / "统计.csv").write_text("earlier")
    assert export_folder.in_folder(folder, "统计.csv").exists is True
    (folder / "sub.csv").mkdir()
    with pytest.raises(ExportPathError):
        export_folder.in_folder(folder, "sub.csv")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "desk.xlsx").write_text("earlier")
    assert export_folder.at_desk("desk.xlsx").exists is True  # the desk asks too
    assert export_folder.at_desk("new.xlsx").exists is False


def test_over_ssh_the_member_folder_is_used_and_at_the_desk_the_path(db, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("FRONTDESK_SESSION", raising=False)
    assert export_folder.export_target("/tmp/x.csv", "chenjing").path.as_posix() == "/tmp/x.csv"
    monkeypatch.setenv("FRONTDESK_SESSION", "ssh:123.4/1")
    target = export_folder.export_target("x.csv", "chenjing")
    assert target.path == tmp_path / "exports" / "chenjing" / "x.csv"
    with pytest.raises(ExportPathError):
        export_folder.export_target("/tmp/x.csv", "chenjing")


def test_a_new_file_never_replaces_one_nor_follows_a_link(folder, tmp_path):
    (folder / "截图.svg").write_text("first")
    target = export_folder.unused(folder, "截图.svg")
    assert target.path.name == "截图 (2).svg"
    export_folder.write_new(target, b"second")
    assert export_folder.unused(folder, "截图.svg").path.name == "截图 (3).svg"
    assert (folder / "截图.svg").read_text() == "first"
    assert stat.S_IMODE(os.stat(target.path).st_mode) == 0o600
    with pytest.raises(FileExistsError):
        export_folder.write_new(target, b"third")
    outside = tmp_path / "outside.svg"
    (folder / "link.svg").symlink_to(outside)
    assert export_folder.unused(folder, "link.svg").path.name == "link (2).svg"
    assert not outside.exists()
