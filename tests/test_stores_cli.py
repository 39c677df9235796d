"""``frontdesk store add`` / ``store list`` and ``--store`` (``FRONTDESK_STORE``): a dealer
group's stores on PostgreSQL, a showroom's file as its one store. The PostgreSQL half needs
a server (``tests.postgres``); without one it is skipped."""

from __future__ import annotations

import pytest

LANGUAGES = ["zh_CN", "en"]


# -- a showroom's file: one store, main --------------------------------------------------


def test_a_store_file_is_one_store_and_needs_no_store_named(run_cli):
    assert run_cli("register", "--kind", "phone", "--at", "2026-11-25 09:30")[0] == 0
    status, out, err = run_cli("store", "list")
    assert (status, err) == (0, "")
    assert [line.split() for line in out.splitlines()[1:]] == [["*", "main", "main", "1"]]
    assert run_cli("--store", "main", "store", "list")[0] == 0  # its own code is fine


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_store_file_refuses_another_store(run_cli, monkeypatch, language):
    status, _, err = run_cli("--lang", language, "--store", "north", "store", "list")
    assert status == 1 and "Traceback" not in err
    assert "north" in err and "main" in err
    assert ("is one store" if language == "en" else "只有一家门店") in err
    monkeypatch.setenv("FRONTDESK_STORE", "north")  # the environment, the same
    assert run_cli("--lang", language, "store", "list")[2] == err
    monkeypatch.delenv("FRONTDESK_STORE")
    status, _, err = run_cli("--lang", language, "store", "add", "north", "--name", "北店")
    assert status == 1
    assert ("PostgreSQL" in err) and ("is one store" if language == "en" else "只有一家门店") in err


def test_only_the_operator_or_an_admin_manages_stores(run_cli):
    assert run_cli("staff", "add", "王磊", "--role", "consultant", "--login", "wanglei")[0] == 0
    assert run_cli("staff", "add", "周强", "--role", "admin", "--login", "zhouqiang")[0] == 0
    status, _, err = run_cli("--as", "wanglei", "store", "list")
    assert status == 1 and "管理集团门店" in err  # the consultant: refused, the right named
    assert run_cli("--as", "zhouqiang", "store", "list")[0] == 0


# -- a dealer group's database ------------------------------------------------------------


def test_stores_are_added_and_listed_with_their_registrations(run_cli, pg_url):
    status, out, err = run_cli("--db", pg_url, "store", "add", "north", "--name", "北店")
    assert (status, err) == (0, "")
    assert "north" in out and "--store north" in out
    assert run_cli("--db", pg_url, "store", "add", "south", "--name", "南店")[0] == 0
    status, out, _ = run_cli("--db", pg_url, "--store", "south", "store", "list")
    assert status == 0
    lines = [line.split() for line in out.splitlines()[1:]]  # below the header and its rule
    assert lines == [["main", "main", "0"], ["north", "北店", "0"], ["*", "south", "南店", "0"]]


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_unknown_store_is_refused_naming_the_codes(run_cli, pg_url, monkeypatch, language):
    assert run_cli("--db", pg_url, "store", "add", "north", "--name", "北店")[0] == 0
    status, _, err = run_cli("--db", pg_url, "--lang", language, "--store", "C", "store", "list")
    assert status == 1 and "Traceback" not in err
    assert "C" in err and "main, north" in err
    assert ("has no store" if language == "en" else "没有门店") in err
    monkeypatch.setenv("FRONTDESK_STORE", "C")
    assert run_cli("--db", pg_url, "--lang", language, "store", "list")[2] == err


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_store_code_is_checked_and_never_added_twice(run_cli, pg_url, language):
    add = ("--db", pg_url, "--lang", language, "store", "add")
    status, _, err = run_cli(*add, "北 店", "--name", "x")
    assert status == 1 and ("Letters, digits" if language == "en" else "只能用字母") in err
    assert run_cli("--db", pg_url, "store", "add", "north", "--name", "北店")[0] == 0
    status, _, err = run_cli(*add, "north", "--name", "x")
    assert status == 1 and "north" in err
    assert ("already a store" if language == "en" else "已有门店") in err


def test_serve_hands_its_store_to_each_session(db, tmp_path):  # db: its settings
    from frontdesk.cli import build_parser
    from frontdesk.cli.serve import options_from
    from frontdesk.ssh.server import Hub, StaffServer
    from frontdesk.ssh.session import AppSession

    parser, _ = build_parser(("serve",))
    key = str(tmp_path / "key")
    args = parser.parse_args(["--db", "x.db", "--store", "north", "serve", "--host-key", key])
    hub = Hub(options_from(args))
    server = StaffServer(hub)
    server.login = "chenjing"
    try:
        assert AppSession(hub, server, 1).app_args() == [
            "--db", "x.db", "--store", "north", "--as", "chenjing",
        ]  # fmt: skip
    finally:
        hub.close()
