"""Staff across stores and the group's roll-up on one store's file (SQLite; on PostgreSQL
with two stores: ``tests/test_store_isolation.py``): a person once for the group with a
role per store (migration 0023), the group manager's rights, ``stats --group``."""

from __future__ import annotations

import json

import pytest

from frontdesk.errors import Forbidden, NotFound, ValidationError
from frontdesk.people import pins, roles, team
from frontdesk.people.actor import OPERATOR, Actor
from frontdesk.stats import statistics
from frontdesk.store.models import Person, Staff
from tests.test_statistics import tuesday  # noqa: F401  (the hand-counted Tuesday)


def test_a_member_added_is_a_person_of_the_group_with_one_membership(showroom):
    member = showroom["wanglei"]
    person = member.person
    assert (person.login, person.name, person.id) == ("wanglei", "王磊", member.person_id)
    assert team.stores_of(person.id) == [("main", "consultant")]
    pins.set_pin(member, "1357", by=OPERATOR)
    assert pins.verify_pin("1357", Person.get_by_id(person.id).pin_hash)  # the person's PIN
    assert pins.verify_pin("1357", Staff.get_by_id(member.id).pin_hash)


def test_a_login_is_the_groups_and_a_person_is_on_a_stores_staff_once(showroom):
    with pytest.raises(ValidationError) as taken:
        team.add_staff("王磊二", "consultant", login="wanglei", by=OPERATOR)
    assert "wanglei" in taken.value.errors["login"]
    with pytest.raises(ValidationError) as here:
        team.add_to_store("wanglei", "manager", by=OPERATOR)
    assert "wanglei" in here.value.errors["login"]
    with pytest.raises(NotFound, match="nobody"):
        team.add_to_store("nobody", "manager", by=OPERATOR)
    with pytest.raises(Forbidden):  # the admin's right, as adding staff is
        team.add_to_store("wanglei", "manager", by=Actor.member(showroom["chenjing"]))
    assert Person.select().count() == Staff.select().count() == 4


def test_the_group_manager_reads_and_changes_nothing(showroom):
    boss = Actor.member(team.add_staff("周总", "group_manager", by=OPERATOR))
    assert roles.may(boss, roles.GROUP_VIEW) and roles.may(boss, roles.LOSSES_VIEW)
    for action in (roles.REGISTRATION_CREATE, roles.CONTACT_RECORD, roles.STAFF_MANAGE):
        assert not roles.may(boss, action)
    for member in showroom.values():  # no store role reads the other stores
        assert not roles.may(Actor.member(member), roles.GROUP_VIEW)
    assert roles.may(OPERATOR, roles.GROUP_VIEW)


def test_the_group_month_on_one_file_is_its_store_and_a_total_equal_to_it(tuesday):  # noqa: F811
    group = statistics.group_month(2026, 11, by=OPERATOR)
    sheet = statistics.month_sheet(2026, 11)
    assert [(row.code, row.figures.parties) for row in group.stores] == [("main", 8)]
    # by hand: walk-ins on the 10th, the 23rd, five on the 24th and one on the 25th; two of
    # them return (王 on the 24th, 周's second), two test drives (王's and 周's first)
    assert (group.total.parties, group.total.first, group.total.test_drives) == (8, 6, 2)
    expected = sheet.total.figures_json()
    expected["by_consultant"] = {}  # a consultant is one store's: no split in the total
    assert group.total.figures_json() == expected
    assert group.stores[0].figures.figures_json()["by_consultant"] == expected_split(sheet)


def expected_split(sheet: statistics.MonthSheet) -> dict:
    return sheet.total.figures_json()["by_consultant"]


def test_stats_group_on_the_command_line_is_a_group_managers_right(run_cli):
    assert run_cli("staff", "add", "周总", "--role", "group_manager")[0] == 0
    assert run_cli("staff", "add", "陈静", "--role", "manager")[0] == 0
    status, out, _ = run_cli("--as", "zhouzong", "--lang", "en", "stats", "--group")
    assert status == 0
    lines = out.splitlines()
    assert lines[0] == "Showroom statistics of the group · 2026-11 · 1 stores"
    assert lines[2].split()[:2] == ["Store", "Name"]
    assert lines[3].split()[:3] == ["main", "main", "0"] and lines[4].split()[:2] == ["Group", "0"]
    status, out, _ = run_cli("--as", "zhouzong", "stats", "--group", "--month", "2026-10", "--json")
    data = json.loads(out)
    assert status == 0 and data["month"] == "2026-10"
    assert [row["store"] for row in data["stores"]] == ["main"]
    assert data["total"]["walkin"]["parties"] == 0
    status, _, err = run_cli("--as", "chenjing", "--lang", "en", "stats", "--group")
    assert status != 0 and "Manager" in err
    status, _, err = run_cli("--lang", "en", "stats", "--group", "--date", "2026-11-01")
    assert status != 0 and "--month" in err


def test_staff_join_on_the_command_line(run_cli):
    assert run_cli("staff", "add", "王磊", "--role", "consultant")[0] == 0
    status, _, err = run_cli("--lang", "en", "staff", "join", "wanglei", "--role", "manager")
    assert status != 0 and "already" in err
    status, _, err = run_cli("--lang", "en", "staff", "join", "nobody", "--role", "manager")
    assert status != 0 and "nobody" in err
