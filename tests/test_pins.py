"""PINs for the desk's sign-in: the hash, the lockout, the audit, ``frontdesk staff pin``."""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
import sys
import time

import pytest

from frontdesk.cli import pins as pins_cli
from frontdesk.errors import Forbidden, ValidationError
from frontdesk.people import pins, team
from frontdesk.people.actor import OPERATOR
from frontdesk.store.models import AuditEntry, PinLockout, Staff
from tests.actors import as_member
from tests.conftest import FROZEN_NOW

DESK = "desk-pc:/dev/tty1"
BACK_OFFICE = "office-pc:pty"


def audit(action: str) -> list[dict]:
    return [
        {"staff": e.staff_id, "entity_id": e.entity_id, **json.loads(e.detail)}
        for e in AuditEntry.select().where(AuditEntry.action == action).order_by(AuditEntry.id)
    ]


def fresh(member: Staff) -> Staff:
    return Staff.get_by_id(member.id)


def wrong_times(member: Staff, times: int, terminal: str = DESK) -> list[pins.PinError]:
    errors = []
    for _ in range(times):
        with pytest.raises(pins.PinError) as refused:
            pins.check_pin(member, "0000", terminal)
        errors.append(refused.value)
    return errors


@pytest.fixture
def quick_hash(monkeypatch):
    """PINs hashed with a small scrypt N: the lockout tests check hundreds of PINs, and the
    parameters are read back from each hash, so nothing else changes."""
    monkeypatch.setattr(pins, "SCRYPT_N", 2**10)


@pytest.fixture
def manager(showroom, quick_hash):
    """陈静, the manager, with the PIN 2468."""
    return pins.set_pin("chenjing", "2468", by=OPERATOR)


# ---------------------------------------------------------------- the hash


def test_the_pin_is_kept_as_a_salted_scrypt_hash_with_its_parameters(showroom):
    pins.set_pin("chenjing", "2468", by=OPERATOR)
    pins.set_pin("wanglei", "2468", by=OPERATOR)
    stored = fresh(showroom["chenjing"]).pin_hash
    scheme, n, r, p, salt, key = stored.split("$")
    assert (scheme, n, r, p) == ("scrypt", "32768", "8", "1")
    assert len(base64.b64decode(salt)) == 16 and len(base64.b64decode(key)) == 32
    assert "2468" not in stored
    assert fresh(showroom["wanglei"]).pin_hash != stored  # another salt
    assert pins.verify_pin("2468", stored) and not pins.verify_pin("2469", stored)


@pytest.mark.parametrize(
    ("typed", "kept"),
    [("1234", "1234"), ("１２３４５６", "123456"), (" 0000 ", "0000"), ("123456789012", None)],
)
def test_a_pin_is_4_to_12_digits_full_width_ones_too(typed, kept):
    assert pins.normalise_pin(typed) == (kept or typed)


@pytest.mark.parametrize("typed", ["", "123", "1234567890123", "12a4", "12 34", "١٢٣٤", "½½½½"])
def test_anything_else_is_refused_with_the_rule(showroom, typed):
    with pytest.raises(ValidationError) as refused:
        pins.set_pin("chenjing", typed, by=OPERATOR)
    assert refused.value.errors == {"pin": "PIN 为 4–12 位数字"}
    assert fresh(showroom["chenjing"]).pin_hash is None


def test_a_damaged_or_planted_hash_matches_nothing_and_costs_nothing(manager):
    salt = base64.b64encode(b"s" * 16).decode()
    key = base64.b64encode(b"k" * 32).decode()
    for stored in (
        "garbage",
        f"scrypt$1048576$64$16${salt}${key}",  # 8 GiB: never run
        f"scrypt$1000$8$1${salt}${key}",  # N not a power of two
        f"bcrypt$16384$8$1${salt}${key}",
        f"scrypt$16384$8$1$!!${key}",
    ):
        started = time.perf_counter()
        assert pins.verify_pin("2468", stored) is False
        assert time.perf_counter() - started < 1.0


# ---------------------------------------------------------------- who needs one


def test_a_manager_or_admin_without_a_pin_cannot_take_their_name_at_the_desk(showroom):
    admin = team.add_staff("周强", "admin", by=OPERATOR)
    for member, login in ((showroom["chenjing"], "chenjing"), (admin, "zhouqiang")):
        with pytest.raises(pins.PinMissing) as refused:
            pins.desk_sign_in(member, DESK)
        assert f"请管理员设置 PIN：frontdesk staff pin {login}" in str(refused.value)
        with pytest.raises(pins.PinMissing):
            pins.check_pin(member, "", DESK)


def test_others_need_none_unless_one_is_set(showroom):
    step = pins.desk_sign_in(showroom["zhaomin"], DESK)
    assert (step.member.login, step.needs_pin) == ("zhaomin", False)
    assert pins.check_pin(showroom["zhaomin"], "", DESK).login == "zhaomin"
    pins.set_pin("zhaomin", "1357", by=OPERATOR)
    assert pins.desk_sign_in(showroom["zhaomin"], DESK).needs_pin is True
    with pytest.raises(pins.PinWrong):
        pins.check_pin(showroom["zhaomin"], "7531", DESK)
    assert pins.check_pin(showroom["zhaomin"], "1357", DESK).login == "zhaomin"


def test_a_member_who_left_cannot_sign_in_even_with_the_pin(showroom, manager):
    team.set_active("chenjing", False, by=OPERATOR)
    with pytest.raises(pins.PinError, match="陈静 已停用"):
        pins.check_pin(manager, "2468", DESK)
    with pytest.raises(pins.PinError, match="陈静 已停用"):
        pins.desk_sign_in(manager, DESK)


# ---------------------------------------------------------------- the lockout


def test_five_wrong_pins_lock_the_name_at_that_terminal_for_five_minutes(manager):
    assert pins.check_pin(manager, "2468", DESK).login == "chenjing"
    errors = wrong_times(manager, 5)
    assert [e.left for e in errors[:4]] == [4, 3, 2, 1]
    assert str(errors[0]) == "PIN 不对：再错 4 次，陈静 在这台终端将被锁定 5 分钟"
    locked = errors[4]
    assert isinstance(locked, pins.PinLocked)
    assert locked.until == FROZEN_NOW + dt.timedelta(minutes=5)
    assert str(locked) == (
        "PIN 连续输错 5 次，陈静 在这台终端已锁定：请 5 分钟后（10:35）再试，或请管理员重设 PIN"
    )
    with pytest.raises(pins.PinLocked):  # the right PIN too, while locked
        pins.check_pin(manager, "2468", DESK)
    step = pins.desk_sign_in(manager, DESK)
    assert step.needs_pin and step.locked_until == locked.until and "已锁定" in step.notice
    # Another terminal is not locked.
    assert pins.check_pin(manager, "2468", BACK_OFFICE).login == "chenjing"


def test_the_lock_says_how_long_is_left_and_ends(manager, frozen_clock):
    wrong_times(manager, 5)
    frozen_clock.shift(dt.timedelta(minutes=3, seconds=30))
    with pytest.raises(pins.PinLocked, match="请 2 分钟后（10:35）再试"):
        pins.check_pin(manager, "2468", DESK)
    frozen_clock.shift(dt.timedelta(minutes=1, seconds=30))
    assert pins.check_pin(manager, "2468", DESK).login == "chenjing"
    assert PinLockout.select().count() == 0  # the right PIN ends the count


def test_each_lock_in_a_row_lasts_twice_as_long_up_to_a_day(manager, frozen_clock):
    now, minutes = FROZEN_NOW, []
    for _ in range(11):
        locked = wrong_times(manager, 5)[-1]
        minutes.append((locked.until - now) / dt.timedelta(minutes=1))
        now = locked.until
        frozen_clock.move_to(now)
    assert minutes == [5, 10, 20, 40, 80, 160, 320, 640, 1280, 1440, 1440]
    with pytest.raises(pins.PinWrong) as wrong:
        pins.check_pin(manager, "0000", DESK)
    assert str(wrong.value).endswith("将被锁定 24 小时")


def test_a_lock_of_over_an_hour_reads_in_hours(manager, frozen_clock):
    for _ in range(4):  # 5, 10, 20, 40 minutes
        frozen_clock.move_to(wrong_times(manager, 5)[-1].until)
    assert "请 1 小时 20 分钟后（" in str(wrong_times(manager, 5)[-1])


def test_a_format_mistake_is_not_counted(manager):
    for typed in ("", "12", "abcd"):
        with pytest.raises(pins.PinError, match="PIN 为 4–12 位数字"):
            pins.check_pin(manager, typed, DESK)
    assert PinLockout.select().count() == 0 and not audit("pin_failed")


def test_setting_or_clearing_the_pin_ends_the_lock(manager):
    wrong_times(manager, 5)
    pins.set_pin("chenjing", "8642", by=OPERATOR)
    assert pins.check_pin(manager, "8642", DESK).login == "chenjing"
    wrong_times(manager, 5)
    pins.clear_pin("chenjing", by=OPERATOR)
    assert PinLockout.select().count() == 0


def test_every_change_failure_and_lock_is_audited(showroom, manager):
    pins.clear_pin("wanglei", by=OPERATOR)
    wrong_times(manager, 5)
    chenjing, wanglei = showroom["chenjing"].id, showroom["wanglei"].id
    operator = {"staff": None, "actor": "operator"}  # the store machine's, without --as
    assert audit("pin_set") == [{**operator, "entity_id": chenjing}]
    assert audit("pin_clear") == [{**operator, "entity_id": wanglei}]
    failed = audit("pin_failed")
    assert [(f["entity_id"], f["terminal"], f["failures"]) for f in failed] == [
        (chenjing, DESK, n) for n in (1, 2, 3, 4, 5)
    ]
    assert audit("pin_locked") == [
        {
            "staff": None,
            "actor": "desk",
            "entity_id": chenjing,
            "terminal": DESK,
            "until": "2026-11-25 10:35:00",
        }
    ]
    assert "2468" not in "".join(e.detail for e in AuditEntry.select())


# ---------------------------------------------------------------- who may set one


def test_only_the_operator_or_an_admin_sets_pins(showroom):
    admin = team.add_staff("周强", "admin", by=OPERATOR)
    for by in ("zhaomin", "wanglei", "chenjing"):
        with pytest.raises(Forbidden):
            pins.set_pin("lina", "1234", by=as_member(showroom[by]))
        with pytest.raises(Forbidden):
            pins.clear_pin("lina", by=as_member(showroom[by]))
    pins.set_pin("lina", "1234", by=as_member(admin))
    assert audit("pin_set") == [{"staff": admin.id, "entity_id": showroom["lina"].id}]


# ---------------------------------------------------------------- the terminal


@pytest.mark.parametrize(
    ("tty", "terminal"),
    [
        ("/dev/tty1", "desk-pc:/dev/tty1"),
        ("/dev/ttyS0", "desk-pc:/dev/ttyS0"),
        ("/dev/pts/3", "desk-pc:pty"),  # every window of the machine is one terminal
        ("/dev/pts/17", "desk-pc:pty"),
        ("/dev/ttys004", "desk-pc:pty"),  # macOS
        (None, "desk-pc:pty"),
    ],
)
def test_the_terminal_is_the_host_and_a_fixed_tty(monkeypatch, tty, terminal):
    monkeypatch.setattr(pins.socket, "gethostname", lambda: "desk-pc")
    monkeypatch.setattr(pins, "_tty_name", lambda: tty)
    assert pins.this_terminal() == terminal


# ---------------------------------------------------------------- frontdesk staff pin


@pytest.fixture
def staffed(run_cli):
    assert run_cli("staff", "add", "陈静", "--role", "manager")[0] == 0
    assert run_cli("staff", "add", "赵敏", "--role", "receptionist")[0] == 0
    assert run_cli("staff", "add", "周强", "--role", "admin")[0] == 0
    return run_cli


def stored_hash(cli_store: str, login: str) -> str | None:
    from frontdesk import store

    store.open_store(cli_store)
    return Staff.get(Staff.login == login).pin_hash


def test_staff_pin_reads_one_line_from_a_script(staffed, cli_store, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("２４６８\n"))
    status, out, err = staffed("staff", "pin", "陈静")
    assert (status, out, err) == (0, "陈静（chenjing）的 PIN 已设置：在前台登录时要输入\n", "")
    assert pins.verify_pin("2468", stored_hash(cli_store, "chenjing"))


def test_staff_pin_asks_twice_without_echo_on_a_terminal(staffed, cli_store, monkeypatch):
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    asked: list[str] = []
    answers = iter(["1357", "1357", "1357", "7531"])

    def getpass(prompt=""):
        asked.append(prompt)
        return next(answers)

    monkeypatch.setattr("sys.stdin", Terminal())
    monkeypatch.setattr(pins_cli.getpass, "getpass", getpass)
    status, out, _ = staffed("--lang", "en", "staff", "pin", "zhaomin")
    assert status == 0 and out == "赵敏 (zhaomin) has a PIN: the desk asks for it at sign-in\n"
    assert asked == ["New PIN for 赵敏 (4 to 12 digits): ", "Once more: "]
    first = stored_hash(cli_store, "zhaomin")
    assert pins.verify_pin("1357", first)
    status, out, err = staffed("--lang", "en", "staff", "pin", "zhaomin")
    assert (status, out, err) == (1, "", "The two PINs differ: nothing changed\n")
    assert stored_hash(cli_store, "zhaomin") == first


def test_staff_pin_refusals_and_clear(staffed, cli_store, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("12ab\n"))
    assert staffed("staff", "pin", "chenjing") == (1, "", "PIN 为 4–12 位数字\n")
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert staffed("staff", "pin", "chenjing")[0] == 1
    status, _, err = staffed("staff", "pin", "孙悟空")
    assert status == 1 and "孙悟空" in err
    # A receptionist may not, and is not even asked for the PIN.
    monkeypatch.setattr("sys.stdin", io.StringIO("1234\n"))
    status, _, err = staffed("--as", "赵敏", "staff", "pin", "陈静")
    assert (status, err) == (1, "前台接待无权管理员工\n")
    assert sys.stdin.read() == "1234\n"  # never read
    # The admin may; then clears it again.
    monkeypatch.setattr("sys.stdin", io.StringIO("1234\n"))
    assert staffed("--as", "周强", "staff", "pin", "陈静")[0] == 0
    assert stored_hash(cli_store, "chenjing") is not None
    status, out, _ = staffed("staff", "pin", "chenjing", "--clear")
    assert status == 0 and out.splitlines() == [
        "陈静（chenjing）的 PIN 已清除",
        "注意：陈静（展厅主管）没有 PIN 就不能在前台登录",
    ]
    assert stored_hash(cli_store, "chenjing") is None


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_the_help_page_renders(run_cli, lang):
    status, out, _ = run_cli("--lang", lang, "staff", "pin", "--help")
    assert status == 0 and "--clear" in out and "NAME" in out
