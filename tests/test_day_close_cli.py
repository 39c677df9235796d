"""The close-out on the command line: ``frontdesk day show|left|close|confirm|unclosed``.

The day is 2026-11-25 (the frozen clock, 10:30): #1 a walk-in at 09:00 (no name, H, no
phone: missing phone and model), #2 a walk-in at 09:30 who left at 10:00 (complete). So
1 party in (#1), 1 incomplete (#1).
"""

from __future__ import annotations

import json

import pytest


@pytest.fixture
def day(run_cli):
    """Staff and the day of the module docstring; returns the ids of #1 and #2."""
    for name, role in (("王磊", "consultant"), ("赵敏", "receptionist"), ("陈静", "manager")):
        assert run_cli("staff", "add", name, "--role", role)[0] == 0
    first = run_cli("register", "--kind", "walkin", "--at", "09:00", "--level", "H")
    second = run_cli(
        "register", "--kind", "walkin", "--at", "09:30", "--out", "10:00", "--channel", "网络"
    )
    return int(first[1]), int(second[1])


def test_day_show_says_what_is_left_to_do(run_cli, day):
    status, out, _ = run_cli("day", "show", "--date", "2026-11-25")
    assert status == 0
    assert "2026-11-25 未结账" in out
    assert "在店 1 批" in out and "资料不全 1 条" in out
    assert "电话、意向车型" in out


def test_day_show_json(run_cli, day):
    status, out, _ = run_cli("day", "show", "--json")
    assert status == 0
    data = json.loads(out)
    assert data["status"] == "open"
    assert data["counts"] == {
        "walkins": 2,
        "calls": 0,
        "open": 1,
        "left_unrecorded": 0,
        "incomplete": 1,
    }
    assert [party["id"] for party in data["open_parties"]] == [day[0]]
    assert data["missing"][0]["missing"] == ["phone", "model"]


def test_the_close_is_refused_while_a_party_is_in_then_signed_and_confirmed(run_cli, day):
    status, _, err = run_cli("--as", "赵敏", "day", "close")
    assert status == 1 and "还有 1 批客户在店" in err
    assert run_cli("--as", "赵敏", "day", "left", str(day[0]))[0] == 0
    status, out, _ = run_cli("--as", "赵敏", "day", "close")
    assert status == 0 and "已结账：赵敏 2026-11-25 10:30" in out
    assert "还有 1 条登记资料不全" in out
    status, _, err = run_cli("--as", "赵敏", "day", "confirm")
    assert status == 1 and "无权" in err  # a receptionist does not confirm
    status, out, _ = run_cli("--as", "陈静", "day", "confirm")
    assert status == 0 and "主管已确认：陈静" in out
    data = json.loads(run_cli("day", "show", "--json")[1])
    assert data["status"] == "confirmed"
    assert data["counts"]["left_unrecorded"] == 1


def test_a_checkout_after_the_close_shows_as_an_amendment_and_the_day_closes_again(run_cli, day):
    run_cli("day", "left", str(day[0]))
    run_cli("day", "close")
    assert run_cli("checkout", str(day[0]), "--at", "10:15")[0] == 0
    out = run_cli("day", "show")[1]
    assert "结账后有 1 处改动" in out
    assert "离店时间 — → 10:15" in out
    assert run_cli("day", "close")[0] == 0
    out = run_cli("day", "show")[1]
    assert "之前的结账：本机管理员 2026-11-25 10:30" in out


def test_a_consultant_may_not_mark_a_party_left(run_cli, day):
    status, _, err = run_cli("--as", "王磊", "day", "left", str(day[0]))
    assert status == 1 and "无权日终结账" in err


def test_day_unclosed_lists_the_past_days_for_a_manager(run_cli, day):
    run_cli("register", "--kind", "walkin", "--at", "2026-11-20 09:00")
    status, out, _ = run_cli("--as", "陈静", "day", "unclosed")
    assert status == 0 and "2026-11-20" in out and "2026-11-25" not in out
    data = json.loads(run_cli("day", "unclosed", "--json")[1])
    assert data == [{"date": "2026-11-20", "registrations": 1, "open": 1}]


def test_day_in_english(run_cli, day):
    status, out, _ = run_cli("--lang", "en", "day", "show")
    assert status == 0
    assert "2026-11-25 not closed" in out
    assert "in showroom 1" in out and "incomplete 1" in out
    assert "Phone, Model" in out
