"""Staff SSH keys: added from a .pub file, listed, removed; wrong files and duplicates refused."""

from __future__ import annotations

import asyncssh
import pytest

from frontdesk import cli, store
from frontdesk.errors import Forbidden, NotFound, ValidationError
from frontdesk.people import keys
from frontdesk.people.actor import OPERATOR
from frontdesk.store.models import AuditEntry, StaffKey
from tests.actors import as_member


def make_key(folder, name: str, comment: str = "") -> tuple:
    """A fresh ed25519 key pair written as ``name`` and ``name.pub``; returns (key, pub path)."""
    key = asyncssh.generate_private_key("ssh-ed25519", comment=comment or name)
    key.write_private_key(folder / name)
    key.write_public_key(folder / f"{name}.pub")
    return key, folder / f"{name}.pub"


@pytest.fixture
def key_files(tmp_path):
    return {
        name: make_key(tmp_path, name) for name in ("chenjing_laptop", "chenjing_phone", "lina")
    }


def test_a_key_is_added_from_its_pub_file_and_listed(showroom, key_files):
    key, pub = key_files["chenjing_laptop"]
    row = keys.add_key("陈静", pub, by=OPERATOR)
    assert row.staff == showroom["chenjing"]
    assert row.fingerprint == key.get_fingerprint("sha256")
    assert row.algorithm == "ssh-ed25519"
    assert row.comment == "chenjing_laptop"
    assert (
        row.public_key
        == key.export_public_key().decode().split()[0]
        + " "
        + (key.export_public_key().decode().split()[1])
    )
    keys.add_key(
        "chenjing", key_files["chenjing_phone"][1], by=OPERATOR
    )  # by login too; a second key
    keys.add_key("lina", key_files["lina"][1], by=OPERATOR)
    assert [(k.staff.login, k.comment) for k in keys.list_keys(by=OPERATOR)] == [
        ("chenjing", "chenjing_laptop"),
        ("chenjing", "chenjing_phone"),
        ("lina", "lina"),
    ]
    assert [k.comment for k in keys.list_keys("李娜", by=OPERATOR)] == ["lina"]
    assert AuditEntry.select().where(AuditEntry.action == "key_add").count() == 3


def test_the_same_key_cannot_be_added_twice_to_anyone(showroom, key_files):
    _, pub = key_files["lina"]
    keys.add_key("lina", pub, by=OPERATOR)
    for owner in ("lina", "wanglei"):
        with pytest.raises(ValidationError) as refused:
            keys.add_key(owner, pub, by=OPERATOR)
        assert "已经登记给了 李娜" in refused.value.errors["keyfile"]
    assert StaffKey.select().count() == 1


def test_wrong_key_files_are_refused_with_a_reason(showroom, tmp_path, key_files):
    private = tmp_path / "chenjing_laptop"  # the private half, given by mistake
    garbage = tmp_path / "notes.txt"
    garbage.write_text("hello, this is not a key\n")
    empty = tmp_path / "empty.pub"
    empty.write_text("")
    two = tmp_path / "two.pub"
    two.write_text(key_files["lina"][1].read_text() + key_files["chenjing_phone"][1].read_text())
    cases = {
        private: "私钥",
        garbage: "不是 SSH 公钥",
        empty: "不是 SSH 公钥",
        tmp_path / "missing.pub": "没有这个文件",
        tmp_path: "没有这个文件",  # a folder
        two: "只放一个公钥",
    }
    for path, words in cases.items():
        with pytest.raises(ValidationError) as refused:
            keys.add_key("陈静", path, by=OPERATOR)
        assert words in refused.value.errors["keyfile"], path
    with pytest.raises(NotFound):
        keys.add_key("nobody", key_files["lina"][1], by=OPERATOR)
    assert StaffKey.select().count() == 0


def test_a_key_is_removed_by_number_or_fingerprint(showroom, key_files):
    first = keys.add_key("陈静", key_files["chenjing_laptop"][1], by=OPERATOR)
    second = keys.add_key("陈静", key_files["chenjing_phone"][1], by=OPERATOR)
    with pytest.raises(NotFound):
        keys.remove_key("lina", str(first.id), by=OPERATOR)  # not hers
    keys.remove_key("chenjing", str(first.id), by=OPERATOR)
    keys.remove_key("chenjing", second.fingerprint.removeprefix("SHA256:"), by=OPERATOR)
    assert StaffKey.select().count() == 0
    with pytest.raises(NotFound):
        keys.remove_key("chenjing", str(first.id), by=OPERATOR)


def test_a_key_goes_with_its_staff_member(showroom, key_files):
    keys.add_key("lina", key_files["lina"][1], by=OPERATOR)
    showroom["lina"].delete_instance()
    assert StaffKey.select().count() == 0


def test_sign_in_needs_an_active_member_and_a_key_of_their_own(showroom, key_files):
    key, pub = key_files["chenjing_laptop"]
    row = keys.add_key("chenjing", pub, by=OPERATOR)
    fingerprint = key.get_fingerprint("sha256")
    other = key_files["lina"][0].get_fingerprint("sha256")
    assert keys.sign_in("chenjing", fingerprint) == keys.SignIn(showroom["chenjing"], row.id, "ok")
    assert keys.sign_in("ChenJing", fingerprint).reason == "ok"
    assert keys.sign_in("chenjing", other).reason == "unknown_key"
    assert keys.sign_in("lina", fingerprint).reason == "unknown_key"  # someone else's key
    assert keys.sign_in("nobody", fingerprint).reason == "unknown_user"
    showroom["chenjing"].active = False
    showroom["chenjing"].save()
    assert keys.sign_in("chenjing", fingerprint).reason == "inactive"


def test_only_an_admin_manages_keys_when_signed_in(showroom, key_files):
    with pytest.raises(Forbidden):
        keys.add_key("lina", key_files["lina"][1], by=as_member(showroom["chenjing"]))


# ---------------------------------------------------------------- the command line


@pytest.fixture
def run(tmp_path, capsys, frozen_clock, monkeypatch):
    for name in ("FRONTDESK_DB", "FRONTDESK_LANG", "FRONTDESK_AS"):
        monkeypatch.delenv(name, raising=False)
    path = str(tmp_path / "cli.db")

    def run(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        status = cli.main(["--db", path, *args])
        out, err = capsys.readouterr()
        return status, out, err

    yield run
    store.close_store()


def test_the_key_commands(run, tmp_path):
    _, pub = make_key(tmp_path, "laptop")
    assert run("staff", "add", "陈静", "--role", "manager")[0] == 0
    assert run("staff", "add", "周杰", "--role", "admin")[0] == 0
    status, out, err = run("staff", "key", "add", "陈静", str(pub))
    assert status == 0 and "ssh -p PORT chenjing@HOST" in out, err
    status, out, _ = run("--lang", "en", "staff", "key", "list")
    assert status == 0
    header, line = out.splitlines()
    assert header.split()[:3] == ["#", "Login", "Name"]
    assert line.split()[:4] == ["1", "chenjing", "陈静", keys.read_key_file(pub).fingerprint]
    status, _, err = run("staff", "key", "add", "陈静", str(pub))
    assert status == 1 and "已经登记" in err and "keyfile" not in err
    status, _, err = run("--as", "chenjing", "staff", "key", "remove", "陈静", "1")
    assert status == 1 and "展厅主管无权管理 SSH 密钥" in err
    assert run("--as", "zhoujie", "staff", "key", "remove", "陈静", "1")[0] == 0
    assert run("staff", "key", "list")[1].strip() == "还没有 SSH 密钥"
    status, _, err = run("staff", "key")
    assert status == 2 and "add" in err


@pytest.mark.parametrize("command", [["staff", "key"], ["staff", "key", "add"], ["serve"]])
@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_the_help_pages_render(run, command, lang):
    status, out, err = run("--lang", lang, *command, "--help")
    assert (status, err) == (0, "")
    assert ("显示本帮助并退出" if lang == "zh_CN" else "show this help and exit") in out
