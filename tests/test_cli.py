"""The command line, run in-process: what it prints, what it stores, how it refuses."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from rich.cells import cell_len

from frontdesk import cli, store
from frontdesk.store import codes
from frontdesk.store.models import Customer, Registration, Staff


@pytest.fixture
def staffed(run_cli):
    assert run_cli("staff", "add", "王磊", "--role", "consultant")[0] == 0
    assert run_cli("staff", "add", "赵敏", "--role", "receptionist")[0] == 0
    return run_cli


def cell_starts(line: str) -> list[int]:
    """The display columns where the cells of a table line start (cells are split by 2+
    spaces; one space may appear inside a cell)."""
    return [cell_len(line[: m.start()]) for m in re.finditer(r"\S+(?: \S+)*", line)]


def opened(cli_store: str):
    """Open the store the CLI wrote, to look at it (closed by the ``cli_store`` fixture)."""
    return store.open_store(cli_store)


def test_register_prints_only_the_new_id(staffed, cli_store):
    status, out, err = staffed(
        "--as",
        "zhaomin",
        "register",
        "--kind",
        "walkin",
        "--at",
        "2026-11-25 09:15",
        "--phone",
        "+86 138-1234-5678",
        "--name",
        "张三",
        "--gender",
        "m",
        "--party",
        "3",
        "--level",
        "h",
        "--test-drive",
        "--order",
        "--notes",
        "看凯美瑞",
    )
    assert (status, err) == (0, "")
    assert out.strip().isdigit() and out == out.strip() + "\n"
    opened(cli_store)
    registration = Registration.get_by_id(int(out))
    assert registration.kind == "walkin"
    assert registration.time_in == dt.datetime(2026, 11, 25, 9, 15)
    assert registration.phone == "13812345678"
    # Judged H, but the order taken (--order, 订车) makes the customer O until delivery.
    assert (registration.party_size, registration.level, registration.gender) == (3, "O", "M")
    assert registration.test_drive and registration.ordered and not registration.quote
    assert registration.registered_by.login == "zhaomin"
    assert registration.consultant.name == "王磊"  # head of the up rotation
    assert Customer.get(Customer.phone == "13812345678").name == "张三"


def test_register_goes_through_the_form_rules(staffed, cli_store):
    opened(cli_store)
    codes.add(codes.MODEL, "凯美瑞", "卡罗拉")
    store.close_store()
    status, out, _ = staffed(
        "register", "--kind", "来电", "--at", "10:05", "--phone", "13900001111", "--model", "km"
    )
    assert status == 0
    opened(cli_store)
    registration = Registration.get_by_id(int(out))
    assert registration.kind == "phone"
    assert registration.model == "凯美瑞"  # pinyin initials picked the one model
    assert registration.time_in == dt.datetime(2026, 11, 25, 10, 5)


def test_register_refuses_bad_input_field_by_field(staffed, cli_store):
    status, out, err = staffed(
        "register", "--kind", "walkin", "--at", "2026-13-01 09:00", "--phone", "123", "--party", "0"
    )
    assert status == 1
    assert out == ""
    lines = err.strip().splitlines()
    assert "来店时间: 时间格式：HH:MM 或 YYYY-MM-DD HH:MM" in lines
    assert "电话: 不是有效的电话号码" in lines
    assert "人数: 人数：1 到 99" in lines
    assert "Traceback" not in err
    opened(cli_store)
    assert Registration.select().count() == 0


def test_phone_call_with_time_out_is_refused(staffed):
    status, _, err = staffed(
        "register", "--kind", "phone", "--at", "2026-11-25 09:00", "--out", "09:30"
    )
    assert status == 1
    assert "离店时间: 来电没有离店时间" in err


def test_english_messages(staffed, monkeypatch):
    status, _, err = staffed(
        "--lang", "en", "register", "--kind", "walkin", "--at", "09:00", "--phone", "12"
    )
    assert status == 1
    assert "Phone: Not a valid phone number" in err
    monkeypatch.setenv("FRONTDESK_LANG", "en")
    status, _, err = staffed("register", "--kind", "walkin", "--at", "09:00", "--level", "Z")
    assert status == 1
    assert "Level: The level is H, A, B, C, O or blank" in err


def test_help_is_in_the_chosen_language(run_cli):
    status, out, _ = run_cli("--lang", "en", "--help")
    assert status == 0
    assert "show this help and exit" in out
    status, out, _ = run_cli("--help")
    assert status == 0
    assert "显示本帮助并退出" in out


def test_unknown_signed_in_staff_is_refused(staffed, cli_store):
    status, out, err = staffed("--as", "nobody", "register", "--kind", "walkin", "--at", "09:00")
    assert (status, out) == (1, "")
    assert err.strip() == "没有这位员工：nobody"
    opened(cli_store)
    assert Registration.select().count() == 0


def test_signed_in_by_name_or_login(staffed):
    assert staffed("--as", "赵敏", "stats")[0] == 0
    assert staffed("--as", "ZhaoMin", "stats")[0] == 0


def test_checkout(staffed, cli_store):
    _, out, _ = staffed("register", "--kind", "walkin", "--at", "2026-11-25 09:00")
    walkin = int(out)
    status, out, _ = staffed("checkout", str(walkin), "--at", "09:45")
    assert status == 0
    assert f"#{walkin}" in out and "2026-11-25 09:45" in out
    _, out, _ = staffed("register", "--kind", "walkin", "--at", "2026-11-25 10:00")
    assert staffed("checkout", out.strip())[0] == 0  # now: the frozen 10:30
    _, out, _ = staffed("register", "--kind", "phone", "--at", "2026-11-25 10:10")
    call = int(out)

    status, _, err = staffed("checkout", str(call))
    assert status == 1 and "离店时间: 来电没有离店时间" in err
    status, _, err = staffed("checkout", str(walkin), "--at", "08:00")
    assert status == 1 and "离店时间: 离店时间早于来店时间" in err
    status, _, err = staffed("checkout", "999")
    assert status == 1 and err.strip() == "没有登记 #999"

    opened(cli_store)
    assert Registration.get_by_id(walkin).time_out == dt.datetime(2026, 11, 25, 9, 45)
    assert Registration.get_by_id(walkin + 1).time_out == dt.datetime(2026, 11, 25, 10, 30)
    assert Registration.get_by_id(call).time_out is None


def test_staff_add_and_aligned_list(run_cli, cli_store):
    status, out, _ = run_cli("staff", "add", "王磊", "--role", "consultant")
    assert status == 0 and "wanglei" in out
    assert run_cli("staff", "add", "欧阳娜娜", "--role", "manager")[0] == 0
    assert run_cli("staff", "add", "Tom Li", "--role", "admin", "--login", "Tom")[0] == 0
    assert run_cli("staff", "add", "王 磊", "--role", "consultant")[0] == 0  # same pinyin

    status, out, _ = run_cli("staff", "list")
    assert status == 0
    lines = out.rstrip("\n").splitlines()
    assert lines[0].split() == ["登录名", "姓名", "岗位", "在职", "当班"]
    assert len(lines) == 5
    logins = [line.split()[0] for line in lines[1:]]
    assert sorted(logins) == ["ouyangnana", "tom", "wanglei", "wanglei2"]
    # Each column starts at the same display column on every line, CJK counting double.
    starts = {tuple(cell_starts(line)) for line in lines}
    assert len(starts) == 1, lines
    assert len(next(iter(starts))) == 5


def test_staff_add_refusals(run_cli):
    status, _, err = run_cli("staff", "add", "王磊", "--role", "boss")
    assert status == 1 and err.startswith("岗位只能是")  # the message, never a field key
    assert run_cli("staff", "add", "王磊", "--role", "consultant")[0] == 0
    status, _, err = run_cli("staff", "add", "王磊", "--role", "consultant")
    assert status == 1 and err == "已有员工“王磊”\n"
    status, _, err = run_cli(
        "--lang", "en", "staff", "add", "李娜", "--role", "consultant", "--login", "wanglei"
    )
    assert status == 1 and err == "The login “wanglei” is taken\n"


def test_a_member_who_leaves_and_comes_back(staffed):
    staffed(
        "register", "--kind", "walkin", "--at", "09:00", "--phone", "13812345678", "--level", "H"
    )
    status, out, _ = staffed("staff", "deactivate", "王磊")
    assert status == 0
    said, still_open = out.splitlines()
    assert said == "王磊（wanglei）已停用：不能再登录，密钥已失效"
    assert still_open.startswith("王磊 名下还有 1 位跟进中的意向客户")
    assert "--consultant wanglei" in still_open
    status, out, _ = staffed("staff", "list")
    assert [line.split()[:4] for line in out.splitlines()[1:]] == [
        ["wanglei", "王磊", "销售顾问", "否"],
        ["zhaomin", "赵敏", "前台接待", "是"],
    ]
    status, _, err = staffed("--as", "王磊", "staff", "list")
    assert status == 1 and err.strip() == "员工 王磊 已停用"  # no more sign-ins
    status, out, _ = staffed("--lang", "en", "staff", "reactivate", "wanglei")
    assert (status, out.strip()) == (0, "王磊 (wanglei) is back: they can sign in again")
    status, _, err = staffed("--as", "赵敏", "staff", "deactivate", "王磊")
    assert status != 0 and err  # a receptionist may not
    assert staffed("staff", "deactivate", "孙悟空")[0] != 0


def test_settings_list_change_and_reset(staffed):
    status, out, _ = staffed("settings")
    lines = out.splitlines()
    assert status == 0 and lines[0].split() == ["设置项", "当前值", "取自", "默认值", "说明"]
    rows = {line.split()[0]: line.split()[1:4] for line in lines[1:]}
    assert rows["follow_up_days.C"] == ["14", "系统默认", "14"]
    assert rows["ssh.max_sessions"] == ["20", "系统默认", "20"]
    assert rows["store_name"] == ["—", "系统默认", "—"]
    assert staffed("settings", "set", "ssh.max_sessions", "8") == (0, "ssh.max_sessions = 8\n", "")
    status, out, _ = staffed("--lang", "en", "settings", "list")
    rows = {line.split()[0]: line.split()[1:4] for line in out.splitlines()[1:]}
    assert rows["ssh.max_sessions"] == ["8", "store", "20"]
    status, _, err = staffed("settings", "set", "ssh.max_sessions", "0")
    assert (status, err.strip()) == (1, "ssh.max_sessions: 不能小于 1")
    status, _, err = staffed("--as", "赵敏", "settings", "reset", "ssh.max_sessions")
    assert status != 0 and err  # a receptionist may not
    assert staffed("settings", "reset", "ssh.max_sessions")[1] == "ssh.max_sessions = 20\n"


def test_staff_list_in_english(run_cli):
    run_cli("staff", "add", "王磊", "--role", "consultant")
    status, out, _ = run_cli("--lang", "en", "staff", "list")
    assert status == 0
    assert out.splitlines()[0].split() == ["Login", "Name", "Role", "Active", "On", "duty"]
    assert "Consultant" in out and "yes" in out


def test_backup_opens_with_the_same_rows(staffed, cli_store, tmp_path):
    for at in ("09:00", "09:10", "09:20"):
        staffed("register", "--kind", "walkin", "--at", at, "--phone", f"1381234{at[:2]}{at[3:]}")
    dest = tmp_path / "backups" / "copy.db"
    status, out, _ = staffed("backup", str(dest))
    assert status == 0
    assert out.strip() == str(dest)

    opened(cli_store)
    counts = [model.select().count() for model in (Registration, Customer, Staff)]
    store.close_store()
    opened(str(dest))
    assert [model.select().count() for model in (Registration, Customer, Staff)] == counts
    assert counts[0] == 3


def test_backup_refuses_to_overwrite_the_store(staffed, cli_store):
    status, _, err = staffed("backup", cli_store)
    assert status == 1 and "备份目标不能是店铺数据库本身" in err
    opened(cli_store)
    assert Staff.select().count() == 2


def test_backup_into_a_folder(staffed, tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    status, out, _ = staffed("backup", str(folder))
    assert status == 0
    assert out.strip() == str(folder / "frontdesk-20261125-103000.db")


def test_demo_prints_one_line(run_cli, cli_store):
    status, out, _ = run_cli("demo", "--days", "2", "--seed", "7")
    assert status == 0
    assert len(out.strip().splitlines()) == 1 and "演示数据已生成" in out
    opened(cli_store)
    assert Registration.select().count() > 0
    assert Staff.select().count() == 8


def test_demo_bad_days(run_cli):
    status, _, err = run_cli("demo", "--days", "0")
    assert status == 1 and not err.startswith("days")  # the message, never a field key


def test_import_command(staffed, tmp_path, cli_store):
    good = tmp_path / "good.csv"
    good.write_text(
        "kind,time_in,phone\nwalkin,2026-11-20 10:00,13812345678\nphone,2026-11-20 11:00,\n",
        encoding="utf-8",
    )
    status, out, _ = staffed("import", str(good))
    assert status == 0 and out.strip() == "已导入 2 条登记"

    bad = tmp_path / "bad.csv"
    bad.write_text(
        "kind,time_in,phone\nwalkin,2026-11-21 10:00,13812345679\nwalkin,2026-11-21 11:00,42\n",
        encoding="utf-8",
    )
    status, out, err = staffed("import", str(bad))
    assert status == 1 and out == ""
    assert "第 3 行 phone：不是有效的电话号码" in err
    opened(cli_store)
    assert Registration.select().count() == 2


def test_an_import_cut_off_between_parts_says_so_and_goes_on(staffed, cli_store, import_cut_off):
    """Other saves keep the second part stale: the command says how many rows are stored
    and exits 1; the same file again stores the rest and says it went on."""
    log, let_it_through = import_cut_off
    status, out, err = staffed("import", log)
    assert status == 1 and out == ""
    assert "共 3 条，按来店时间最早的 2 条已保存，其余未保存" in err
    let_it_through()
    status, out, _ = staffed("import", log)
    assert status == 0 and out.strip() == "已导入 1 条登记（接着上次中断的导入：此前已保存 2 条）"
    opened(cli_store)
    assert Registration.select().count() == 3


def test_import_file_problems_are_one_line(staffed, tmp_path):
    status, _, err = staffed("import", str(tmp_path / "missing.csv"))
    assert status == 1 and err.startswith("找不到文件") and len(err.splitlines()) == 1
    (tmp_path / "log.xls").write_bytes(b"old excel")
    status, _, err = staffed("import", str(tmp_path / "log.xls"))
    assert status == 1 and ".xls" in err
    (tmp_path / "broken.xlsx").write_bytes(b"not a zip")
    status, _, err = staffed("import", str(tmp_path / "broken.xlsx"))
    assert status == 1 and "Traceback" not in err and err.startswith("无法读取文件")


def test_a_file_that_is_not_a_store(tmp_path, frozen_clock, capsys):
    not_a_store = tmp_path / "notes.txt"
    not_a_store.write_text("hello " * 1000)
    status = cli.main(["--db", str(not_a_store), "staff", "list"])
    _, err = capsys.readouterr()
    assert status == 1
    assert err.startswith("无法打开店铺数据库") and "Traceback" not in err


def test_usage_errors_exit_2(run_cli):
    status, _, err = run_cli("checkout", "abc")
    assert status == 2 and "错误" in err
    status, _, _ = run_cli("register", "--at", "09:00")  # --kind missing
    assert status == 2


def test_no_command_hands_over_to_the_tui(staffed):
    seen = []

    def tui(args, staff):
        seen.append((args.command, staff.login if staff else None))
        return 7

    assert staffed("--as", "wanglei", tui=tui)[0] == 7
    assert seen == [(None, "wanglei")]
    status, out, _ = staffed()
    assert status == 2 and "register" in out


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
@pytest.mark.parametrize(
    "command",
    [
        [],
        ["demo"],
        ["register"],
        ["checkout"],
        ["import"],
        ["staff"],
        ["staff", "add"],
        ["staff", "list"],
        ["backup"],
    ],
)
def test_every_help_page_renders(run_cli, lang, command):
    status, out, err = run_cli("--lang", lang, *command, "--help")
    assert (status, err) == (0, "")
    assert ("显示本帮助并退出" if lang == "zh_CN" else "show this help and exit") in out


def test_each_command_names_the_areas_that_add_it():
    import argparse
    import importlib

    added: dict[str, list[str]] = {}
    for area in cli.AREAS:
        commands = argparse.ArgumentParser().add_subparsers()
        module = importlib.import_module(f"frontdesk.cli.{area}")
        for name in module.add_commands(commands):
            added.setdefault(name, []).append(area)
    assert {name: tuple(areas) for name, areas in added.items()} == cli.COMMAND_AREAS


# ``python -m frontdesk day show`` in a fresh interpreter: which areas it imported.
ONE_COMMAND = """
import json, sys
from frontdesk import cli
status = cli.main(["--db", sys.argv[1], "day", "show"])
print(json.dumps([status, sorted(m for m in sys.modules if m.startswith("frontdesk.cli."))]))
"""


def test_a_command_imports_only_the_area_that_adds_it(tmp_path):
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    done = subprocess.run(
        [sys.executable, "-c", ONE_COMMAND, str(tmp_path / "store.db")],
        capture_output=True,
        text=True,
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root), "FRONTDESK_LANG": "en"},
        timeout=120,
        check=True,
    )
    status, areas = json.loads(done.stdout.strip().splitlines()[-1])
    assert status == 0
    assert areas == ["frontdesk.cli.base", "frontdesk.cli.day"]
