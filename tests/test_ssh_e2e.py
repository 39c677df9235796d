"""End to end over SSH: ``frontdesk serve`` on 127.0.0.1, the real OpenSSH client in tmux.

One server for the module, a store with a manager, a receptionist, two consultants and a
member who left, each with a key made by ssh-keygen. A manager gets the app at the size
of their terminal and keeps it laid out through resizes; registrations cross between the
desk and the manager within a second; a manager may read English; strangers, passwords,
a former member, commands, subsystems other than SFTP and forwarding (agent and X11 too)
are refused and logged; a manager's export lands in their export folder and is fetched
with sftp and scp, which may change nothing nor leave the folder; a consultant sees
only their own intent customers; a member deactivated
while connected is closed out; a dropped connection, the end of the client's input, or a
killed server, keeps the draft; ten sessions open at once. The module's server forks each app
from its pre-forked process; the idle test's server starts each as a process of its own
(``--no-prefork``).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
import uuid

import pytest

from tests.terminal import Terminal

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        shutil.which("tmux") is None or shutil.which("ssh") is None,
        reason="tmux and the OpenSSH client are needed",
    ),
]

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LOG_TITLE = "今日来店(电)登记表"
START_WAIT_S = 30
CROWD_WAIT_S = 120  # ten apps starting at once on two cores
STAFF = (
    ("陈静", "manager", "chenjing"),
    ("赵敏", "receptionist", "zhaomin"),
    ("王磊", "consultant", "wanglei"),
    ("李娜", "consultant", "lina"),
    ("孙离", "receptionist", "sunli"),  # leaves the store before the tests
)


def frontdesk(store, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "screens.main", "--db", str(store), *args],
        capture_output=True,
        text=True,
        check=check,
        env={**os.environ, "PYTHONPATH": ROOT, "FRONTDESK_LANG": "zh_CN"},
    )


class Showroom:
    """The store, the keys and the server of this module."""

    def __init__(self, folder) -> None:
        self.folder = folder
        self.store = folder / "store.db"
        self.keys = {}
        self.server: subprocess.Popen | None = None
        self.port = 0
        self.terminals: list[Terminal] = []

    def set_up(self) -> None:
        for name, role, login in STAFF:
            frontdesk(self.store, "staff", "add", name, "--role", role, "--login", login)
        for login in [login for _, _, login in STAFF] + ["stranger"]:
            path = self.folder / f"id_{login}"
            subprocess.run(
                ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", login, "-f", str(path)],
                check=True,
            )
            self.keys[login] = path
            if login != "stranger":
                frontdesk(self.store, "staff", "key", "add", login, f"{path}.pub")
        frontdesk(self.store, "staff", "deactivate", "sunli")  # 孙离 has left the store

    def start(self, *options: str) -> None:
        self.server = subprocess.Popen(
            [
                *(sys.executable, "-m", "screens.main", "--db", str(self.store), "serve"),
                *("--host", "127.0.0.1", "--port", "0", "--backoff-after", "100"),
                *("--max-sessions", "30", *options),
            ],
            stdout=subprocess.PIPE,
            stderr=open(self.folder / "serve.log", "w"),  # noqa: SIM115 (the server's log)
            text=True,
            env={**os.environ, "PYTHONPATH": ROOT, "FRONTDESK_LANG": "zh_CN"},
        )
        line = self.server.stdout.readline()
        assert "127.0.0.1:" in line, line
        self.port = int(line.split("127.0.0.1:")[1].split("，")[0].split(",")[0])

    def stop(self) -> None:
        for term in self.terminals:
            term.close()
        if self.server is not None:
            self.server.terminate()
            try:
                self.server.wait(30)
            except subprocess.TimeoutExpired:
                self.server.kill()

    def ssh(self, login: str, *extra: str, key: str | None = None) -> list[str]:
        return [
            *("ssh", "-p", str(self.port), "-i", str(self.keys[key or login])),
            *("-o", "IdentitiesOnly=yes", "-o", "StrictHostKeyChecking=no"),
            *("-o", "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes"),
            *("-o", "LogLevel=ERROR"),
            *extra,
            f"{login}@127.0.0.1",
        ]

    def open(self, login: str, size=(100, 30), *extra: str) -> Terminal:
        """A terminal of the given size connected as ``login``; the ssh status is shown at exit."""
        command = " ".join(self.ssh(login, *extra))
        term = Terminal(
            ["sh", "-c", f"{command}; echo SSH-EXIT=$?; sleep 600"],
            {"TERM": "xterm-256color", "PATH": os.environ["PATH"]},
            size=size,
        )
        self.terminals.append(term)
        return term

    def query(self, sql: str, *params) -> list[tuple]:
        with sqlite3.connect(self.store) as conn:
            return conn.execute(sql, params).fetchall()

    def audit(self, action: str) -> list[dict]:
        rows = self.query(
            "SELECT session, staff_id, detail FROM audit_entry "
            "WHERE entity = 'ssh' AND action = ? ORDER BY id",
            action,
        )
        return [{"session": s, "staff": staff, **json.loads(d)} for s, staff, d in rows]

    def wait_for_audit(self, action: str, check) -> list[dict]:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            rows = self.audit(action)
            if check(rows):
                return rows
            time.sleep(0.2)
        raise AssertionError(f"no such {action} in the audit: {self.audit(action)}")


@pytest.fixture(scope="module")
def showroom(tmp_path_factory):
    place = Showroom(tmp_path_factory.mktemp("ssh"))
    place.set_up()
    place.start()
    yield place
    place.stop()


@pytest.fixture
def terminals(showroom):
    """Terminals opened by one test are closed after it."""
    before = len(showroom.terminals)
    yield showroom
    for term in showroom.terminals[before:]:
        term.close()
    del showroom.terminals[before:]


def fill(term: Terminal, phone: str, name: str) -> None:
    """Type a phone number, Enter and a name at once: the name must land in its own field."""
    term.type(phone)
    term.keys("Enter")
    term.type(name)
    term.wait_until(
        lambda screen: any(line.split()[:2] == ["姓名", name] for line in screen.split("\n"))
    )


def last_line(screen: str, height: int) -> str:
    lines = screen.split("\n")
    return lines[height - 1] if len(lines) >= height else ""


def test_a_manager_gets_the_app_at_the_terminals_size_and_it_follows_resizes(terminals):
    term = terminals.open("chenjing", size=(120, 30))
    screen = term.wait_for(LOG_TITLE, START_WAIT_S)
    assert "陈静" in screen.split("\n")[0]  # signed in as the key's owner
    screen = term.wait_until(lambda s: "帮助" in last_line(s, 30))  # the footer: last line
    assert "备注" in screen  # 120 columns: every column of the log, to the notes
    term.resize(70, 20)
    screen = term.wait_until(lambda s: "帮助" in last_line(s, 20) and "备注" not in s)
    assert LOG_TITLE in screen
    term.resize(132, 40)
    term.wait_until(lambda s: "帮助" in last_line(s, 40) and "备注" in s)
    term.keys("C-q")  # the app exits: so does the session, with the app's status
    term.wait_for("SSH-EXIT=0")
    login = terminals.wait_for_audit("login", lambda rows: rows)[-1]
    assert login["login"] == "chenjing"


def test_a_manager_who_asks_for_english_reads_english(terminals):
    # The pre-forked process imported the app in Chinese; this session's app is in English.
    term = terminals.open("chenjing", (100, 30), "-o", "SetEnv=FRONTDESK_LANG=en")
    term.wait_for("Today's registrations", START_WAIT_S)
    screen = term.wait_until(lambda s: "Help" in last_line(s, 30))  # the footer too
    assert LOG_TITLE not in screen and "帮助" not in screen


def test_registrations_cross_between_the_desk_and_the_manager(terminals):
    manager = terminals.open("chenjing")
    desk = terminals.open("zhaomin")
    manager.wait_for(LOG_TITLE, START_WAIT_S)
    desk.wait_for(LOG_TITLE, START_WAIT_S)
    # A registration made by another process (the command line at the desk's machine).
    at = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    frontdesk(
        terminals.store,
        "--as",
        "zhaomin",
        "register",
        "--kind",
        "walkin",
        "--at",
        at,
        "--name",
        "远方来客",
    )
    manager.wait_for("远方来客", 10)
    # …and the other way round: the manager registers a call over SSH.
    manager.keys("F3")
    manager.wait_for("来电客户登记")
    fill(manager, "13900002222", "经理登记")
    manager.keys("C-s")
    manager.wait_for(LOG_TITLE)
    desk.wait_for("经理登记", 10)
    rows = terminals.query(
        "SELECT r.kind, s.login FROM registration r JOIN staff s ON s.id = r.registered_by_id "
        "WHERE r.name = '经理登记'"
    )
    assert rows == [("phone", "chenjing")]
    sessions = terminals.query(
        "SELECT session FROM audit_entry WHERE entity = 'registration' AND action = 'create' "
        "AND staff_id = (SELECT id FROM staff WHERE login = 'chenjing')"
    )
    assert sessions and sessions[-1][0].startswith("ssh:")  # the SSH session is recorded


def test_strangers_passwords_and_former_staff_are_refused_and_logged(terminals, tmp_path):
    stranger = subprocess.run(
        terminals.ssh("chenjing", key="stranger"), capture_output=True, text=True, timeout=30
    )
    assert stranger.returncode == 255 and "Permission denied" in stranger.stderr
    former = subprocess.run(terminals.ssh("sunli"), capture_output=True, text=True, timeout=30)
    assert former.returncode == 255 and "Permission denied" in former.stderr
    askpass = tmp_path / "askpass"
    askpass.write_text("#!/bin/sh\necho not-a-key\n")
    askpass.chmod(0o700)
    password = subprocess.run(
        [
            *("ssh", "-p", str(terminals.port)),
            *("-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null"),
            *("-o", "PreferredAuthentications=password", "-o", "PubkeyAuthentication=no"),
            *("-o", "NumberOfPasswordPrompts=1", "-o", "LogLevel=ERROR"),
            "chenjing@127.0.0.1",
        ],
        capture_output=True,
        text=True,
        timeout=30,
        stdin=subprocess.DEVNULL,
        env={**os.environ, "SSH_ASKPASS": str(askpass), "SSH_ASKPASS_REQUIRE": "force"},
    )
    assert password.returncode == 255 and "Permission denied" in password.stderr
    refused = terminals.wait_for_audit(
        "refuse",
        lambda rows: {"unknown_key", "inactive", "password"} <= {r["reason"] for r in rows},
    )
    reasons = {r["reason"]: r for r in refused}
    assert reasons["inactive"]["login"] == "sunli"
    assert "not-a-key" not in json.dumps(refused)
    log = (terminals.folder / "serve.log").read_text()
    assert "refused 'chenjing' from 127.0.0.1: password" in log


def test_nothing_but_the_app_commands_subsystems_and_forwarding_are_refused(terminals):
    command = subprocess.run(
        [*terminals.ssh("chenjing", "-T"), "cat", "/etc/passwd"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert command.returncode != 0 and "root:" not in command.stdout
    forward = subprocess.run(
        terminals.ssh("chenjing", "-W", "127.0.0.1:22"),
        capture_output=True,
        text=True,
        timeout=30,
        stdin=subprocess.DEVNULL,
    )
    assert forward.returncode != 0
    subsystem = subprocess.run(  # sftp is served (the export folder, read-only), no other
        [*terminals.ssh("chenjing", "-s"), "netconf"],
        capture_output=True,
        timeout=30,
        stdin=subprocess.DEVNULL,
    )
    assert subsystem.returncode != 0
    no_terminal = subprocess.run(
        terminals.ssh("chenjing", "-T"),
        capture_output=True,
        text=True,
        timeout=30,
        stdin=subprocess.DEVNULL,
    )
    assert no_terminal.returncode == 1 and "ssh -t" in no_terminal.stdout
    terminals.wait_for_audit(
        "refuse", lambda rows: {"exec", "forwarding", "subsystem"} <= {r["reason"] for r in rows}
    )


def test_a_consultant_reads_the_log_and_cannot_register(terminals):
    term = terminals.open("wanglei")
    screen = term.wait_for(LOG_TITLE, START_WAIT_S)
    footer = last_line(term.wait_until(lambda s: "帮助" in last_line(s, 30)), 30)
    assert "来店" not in footer and "离店" not in footer, footer
    term.keys("F2")
    time.sleep(1)
    assert "来店客户登记" not in term.screen()
    assert "王磊" in screen.split("\n")[0]


def test_a_consultant_sees_only_their_own_intent_customers(terminals):
    at = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    frontdesk(
        *(terminals.store, "--as", "zhaomin", "register", "--kind", "walkin", "--at", at),
        *("--phone", "13611112222", "--name", "李娜的客户", "--level", "H"),
        *("--consultant", "李娜"),
    )
    lina = terminals.open("lina")
    lina.wait_for(LOG_TITLE, START_WAIT_S)
    lina.keys("F6")
    lina.wait_for("李娜的客户")  # her own customer, in her contact table
    wang = terminals.open("wanglei")
    wang.wait_for(LOG_TITLE, START_WAIT_S)
    wang.keys("F6")
    wang.wait_for("意向客户接触状况表")
    wang.keys("/")
    wang.type("13611112222")
    wang.keys("Enter")
    screen = wang.wait_for("没有符合条件的意向客户")  # searched by phone: not his to see
    assert "李娜的客户" not in screen


def test_a_connection_killed_mid_form_leaves_its_draft(terminals):
    term = terminals.open("chenjing")
    term.wait_for(LOG_TITLE, START_WAIT_S)
    term.keys("F2")
    term.wait_for("来店客户登记")
    fill(term, "13700001111", "断线客")
    term.close()  # the terminal and its ssh client are gone: the connection drops
    deadline = time.monotonic() + 30
    payload = {}
    while time.monotonic() < deadline and payload.get("name") != "断线客":
        rows = terminals.query(
            "SELECT payload FROM draft WHERE owner = 'chenjing' AND form = 'walkin'"
        )
        payload = json.loads(rows[0][0]) if rows else {}
        time.sleep(0.2)
    assert payload == {"phone": "13700001111", "name": "断线客"}
    again = terminals.open("chenjing")
    again.wait_for(LOG_TITLE, START_WAIT_S)
    again.keys("F2")
    again.wait_for("未保存的草稿")
    again.keys("y")
    again.wait_until(
        lambda s: "断线客" in s and "137 0000 1111" in s.replace("13700001111", "137 0000 1111")
    )
    again.keys("Escape")
    again.wait_for("放弃")  # "discard what you typed?" — yes: the draft goes
    again.keys("y")
    again.wait_for(LOG_TITLE)


def test_a_member_deactivated_while_connected_is_closed_out(terminals):
    term = terminals.open("lina")
    term.wait_for(LOG_TITLE, START_WAIT_S)
    try:
        frontdesk(terminals.store, "staff", "deactivate", "lina")  # the admin, elsewhere
        screen = term.wait_for("SSH-EXIT=3", 15)
        assert "李娜 已在本店停用，应用已关闭" in screen
        again = subprocess.run(  # …and her key no longer lets her in
            terminals.ssh("lina", "-tt"),
            capture_output=True,
            text=True,
            timeout=30,
            stdin=subprocess.DEVNULL,
        )
        assert again.returncode == 255
    finally:
        frontdesk(terminals.store, "staff", "reactivate", "lina")


def test_ten_sessions_at_once_all_work(terminals):
    logins = ["chenjing", "zhaomin", "wanglei", "lina"] * 3
    before = len(terminals.audit("login"))
    crowd = [terminals.open(login, size=(80, 24)) for login in logins[:10]]
    for term in crowd:
        term.wait_for(LOG_TITLE, CROWD_WAIT_S)
    for term, login in zip(crowd, logins, strict=False):
        header = term.wait_until(lambda s: "当前" in s.split("\n")[0]).split("\n")[0]
        name = next(name for name, _, staff_login in STAFF if staff_login == login)
        assert name in header
    assert len(terminals.audit("login")) - before >= 10
    crowd[0].keys("F1")  # each session is its own app: one's help leaves the others alone
    crowd[0].wait_for("帮助")
    assert all("按键" not in term.screen() for term in crowd[1:])


def test_an_idle_session_is_closed_and_keeps_its_draft(tmp_path):
    place = Showroom(tmp_path)
    place.set_up()
    # Six seconds; one session; each app started as a process of its own, the slow way.
    place.start("--idle-timeout", "0.1", "--max-sessions", "1", "--no-prefork")
    try:
        term = place.open("zhaomin")
        term.wait_for(LOG_TITLE, START_WAIT_S)
        busy = subprocess.run(  # the one session is taken: a second is refused
            place.ssh("chenjing", "-tt"),
            capture_output=True,
            text=True,
            timeout=30,
            stdin=subprocess.DEVNULL,
        )
        assert busy.returncode != 0
        term.keys("F2")
        term.wait_for("来店客户登记")
        term.type("13600001111")
        term.wait_for("13600001111")
        screen = term.wait_for("SSH-EXIT=", 60)  # no key for six seconds: closed
        assert "没有按键，会话已关闭" in screen
        rows = place.query("SELECT payload FROM draft WHERE owner = 'zhaomin'")
        assert rows and json.loads(rows[0][0])["phone"] == "13600001111"
        place.wait_for_audit("idle", lambda rows: rows)
    finally:
        place.stop()


def _children(parent: int) -> list[int]:
    """The pids whose parent is ``parent`` (Linux /proc)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    if int(stat.read().rsplit(")", 1)[1].split()[1]) == parent:
                        found.append(int(entry))
            except (OSError, ValueError, IndexError):
                continue
    return found


def test_a_killed_server_leaves_the_drafts_and_no_process_behind(tmp_path):
    place = Showroom(tmp_path)
    place.set_up()
    place.start()
    try:
        term = place.open("zhaomin")
        term.wait_for(LOG_TITLE, START_WAIT_S)
        term.keys("F2")
        term.wait_for("来店客户登记")
        fill(term, "13500001111", "断电客")
        prefork = _children(place.server.pid)  # the pre-forked process…
        apps = [pid for parent in prefork for pid in _children(parent)]  # …and the app
        assert len(prefork) == 1 and len(apps) == 1
        place.server.kill()  # SIGKILL: no shutdown of its own
        place.server.wait(10)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and any(os.path.exists(f"/proc/{p}") for p in apps):
            time.sleep(0.1)
        alive = [p for p in prefork + apps if os.path.exists(f"/proc/{p}")]
        assert alive == [], "left behind"
        rows = place.query("SELECT payload FROM draft WHERE owner = 'zhaomin'")
        assert json.loads(rows[0][0]) == {"phone": "13500001111", "name": "断电客"}
        term.wait_for("SSH-EXIT=")
    finally:
        place.stop()


# -- files: exported over SSH, fetched with sftp and scp; read-only, jailed, audited -------


def files_client(showroom: Showroom, program: str, *args: str, login: str = "chenjing"):
    """``sftp``/``scp`` as the member, against the module's server (its port is ``-P``)."""
    return subprocess.run(
        [
            *(program, "-P", str(showroom.port), "-i", str(showroom.keys[login])),
            *("-o", "IdentitiesOnly=yes", "-o", "StrictHostKeyChecking=no"),
            *("-o", "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes"),
            *("-o", "LogLevel=ERROR", *args),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )


def sftp_batch(showroom: Showroom, *commands: str, login: str = "chenjing"):
    batch = showroom.folder / f"batch-{uuid.uuid4().hex[:8]}"
    batch.write_text("".join(f"{command}\n" for command in commands))
    return files_client(showroom, "sftp", "-b", str(batch), f"{login}@127.0.0.1", login=login)


def test_a_manager_exports_over_ssh_and_fetches_the_file_with_sftp_and_scp(terminals, tmp_path):
    term = terminals.open("chenjing")
    term.wait_for(LOG_TITLE, START_WAIT_S)
    term.keys("F5")
    term.wait_for("展厅来店(电)统计")
    term.keys("x")
    term.wait_for("只输入文件名")
    term.keys("Enter")
    term.wait_for("已导出到你的导出文件夹")
    name = f"展厅来店统计-{dt.date.today():%Y-%m}.xlsx"
    folder = terminals.folder / "exports" / "chenjing"
    assert [p.name for p in folder.iterdir()] == [name]  # beside the store, and only there
    assert oct(folder.stat().st_mode & 0o777) == "0o700"
    got = sftp_batch(terminals, f"get {name} {tmp_path / 'by-sftp.xlsx'}")
    assert got.returncode == 0, got.stderr
    copied = files_client(
        terminals, "scp", f"chenjing@127.0.0.1:{name}", str(tmp_path / "by-scp.xlsx")
    )
    assert copied.returncode == 0, copied.stderr
    for fetched in ("by-sftp.xlsx", "by-scp.xlsx"):
        assert (tmp_path / fetched).read_bytes() == (folder / name).read_bytes()
    rows = terminals.wait_for_audit("fetch", lambda rows: len(rows) >= 2)
    assert [(r["login"], r["file"]) for r in rows[-2:]] == [("chenjing", name)] * 2
    term.keys("C-q")


def test_sftp_and_scp_may_not_change_anything_nor_leave_the_folder(terminals, tmp_path):
    folder = terminals.folder / "exports" / "wanglei"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "mine.csv").write_text("day,parties\n")
    (folder / "leak").symlink_to(terminals.store)  # put there by someone on the server
    upload = tmp_path / "upload.csv"
    upload.write_text("x\n")
    attempts = {
        "put": f"put {upload} new.csv",
        "rm": "rm mine.csv",
        "mkdir": "mkdir sub",
        "rename": "rename mine.csv other.csv",
        "chmod": "chmod 666 mine.csv",
        "symlink": "symlink mine.csv link.csv",
        "outside": f"get /etc/passwd {tmp_path / 'passwd'}",
        "climbing": f"get ../../store.db {tmp_path / 'store.db'}",
        "link out": f"get leak {tmp_path / 'leak'}",
    }
    for what, command in attempts.items():
        refused = sftp_batch(terminals, command, login="wanglei")
        assert refused.returncode != 0, (what, refused.stdout)
    listed = sftp_batch(terminals, "ls -1", login="wanglei")
    assert listed.returncode == 0 and "mine.csv" in listed.stdout
    put = files_client(terminals, "scp", str(upload), "wanglei@127.0.0.1:new.csv", login="wanglei")
    assert put.returncode != 0
    legacy = files_client(  # the old scp protocol is a command on the server: refused
        terminals,
        "scp",
        "-O",
        "wanglei@127.0.0.1:mine.csv",
        str(tmp_path / "old.csv"),
        login="wanglei",
    )
    assert legacy.returncode != 0
    assert sorted(p.name for p in folder.iterdir()) == ["leak", "mine.csv"]
    assert (folder / "mine.csv").read_text() == "day,parties\n"
    assert oct((folder / "mine.csv").stat().st_mode & 0o777) != "0o666"
    for name in ("passwd", "store.db", "leak", "old.csv"):
        assert not (tmp_path / name).exists(), name

    def his(rows: list[dict]) -> set[str]:
        return {r.get("operation") or r["reason"] for r in rows if r["login"] == "wanglei"}

    done = {"put", "remove", "mkdir", "rename", "setstat", "symlink", "exec"}
    refused = terminals.wait_for_audit("refuse", lambda rows: done <= his(rows))
    mine = [r for r in refused if r["login"] == "wanglei"]
    assert {"/etc/passwd", "/leak"} <= {r.get("path") for r in mine if r["reason"] == "sftp"}
    assert any(r["reason"] == "exec" and r["command"].startswith("scp -f") for r in mine)


# -- the client's side: forwarding asked for, input that ends -------------------------------


def test_agent_and_x11_forwarding_are_refused_and_audited(terminals, tmp_path):
    socket = tmp_path / "agent.sock"
    agent = subprocess.Popen(
        ["ssh-agent", "-D", "-a", str(socket)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 10
        while not socket.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        asked = subprocess.run(
            terminals.ssh("chenjing", "-A", "-X", "-T"),  # no terminal: no app, closed at once
            capture_output=True,
            text=True,
            timeout=60,
            stdin=subprocess.DEVNULL,
            env={**os.environ, "SSH_AUTH_SOCK": str(socket), "DISPLAY": ":0"},
        )
    finally:
        agent.terminate()
        agent.wait(10)
    assert "X11 forwarding request failed" in asked.stderr
    refused = terminals.wait_for_audit(
        "refuse",
        lambda rows: (
            {"agent", "x11"} <= {r.get("kind") for r in rows if r["reason"] == "forwarding"}
        ),
    )
    assert {r["login"] for r in refused if r.get("kind") in ("agent", "x11")} == {"chenjing"}
    log = (terminals.folder / "serve.log").read_text()
    assert "refused forwarding kind=agent" in log and "refused forwarding kind=x11" in log


class Output:
    """What a session writes, read on a thread of its own."""

    def __init__(self, stream) -> None:
        self.data = b""
        self.thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self.thread.start()

    def _read(self, stream) -> None:
        while chunk := stream.read1(65536):
            self.data += chunk

    def wait_for(self, text: str, timeout: float = START_WAIT_S) -> None:
        deadline = time.monotonic() + timeout
        while text.encode() not in self.data:
            assert time.monotonic() < deadline, f"{text!r} never came"
            time.sleep(0.1)


def test_the_end_of_the_clients_input_closes_the_session_and_keeps_the_draft(terminals):
    client = subprocess.Popen(
        terminals.ssh("zhaomin", "-tt"),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "TERM": "xterm-256color"},
    )
    try:
        output = Output(client.stdout)
        output.wait_for(LOG_TITLE)
        client.stdin.write(b"\x1bOQ")  # F2: a walk-in
        client.stdin.flush()
        output.wait_for("来店客户登记")
        client.stdin.write("13700002222\r断流客".encode())
        client.stdin.flush()
        deadline = time.monotonic() + 30
        payload = {}
        while payload.get("name") != "断流客":
            assert time.monotonic() < deadline, payload
            rows = terminals.query("SELECT payload FROM draft WHERE owner = 'zhaomin'")
            payload = json.loads(rows[0][0]) if rows else {}
            time.sleep(0.2)
        client.stdin.close()  # end of input: ssh sends EOF on the channel
        assert client.wait(30) == 129  # the app hung up, as when the connection drops
    finally:
        if client.poll() is None:
            client.kill()
            client.wait()
    assert "会话已关闭；草稿已保存" in output.data.decode("utf-8", "replace")
    rows = terminals.query("SELECT payload FROM draft WHERE owner = 'zhaomin'")
    assert json.loads(rows[0][0]) == {"phone": "13700002222", "name": "断流客"}
    terminals.query("DELETE FROM draft WHERE owner = 'zhaomin'")
