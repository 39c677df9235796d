"""The SSH server's decisions without a network: keys, refusals, the back-off, the child."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os

import asyncssh
import pytest

from frontdesk.people import keys
from frontdesk.people.actor import OPERATOR
from frontdesk.ssh.backoff import LoginBackoff
from frontdesk.ssh.options import ServeOptions, default_host_key_path
from frontdesk.ssh.server import Hub, StaffServer, load_or_create_host_key, run_server
from frontdesk.ssh.session import DEFAULT_TERM, AppSession, exit_status
from frontdesk.store.models import AuditEntry, StaffKey


class FakeConnection:
    """What StaffServer asks of asyncssh's connection."""

    def __init__(self, address: str = "192.0.2.7") -> None:
        self.address = address
        self.disconnected: tuple[int, str] | None = None
        self.banners: list[str] = []

    def get_extra_info(self, name, default=None):
        return (self.address, 50000) if name == "peername" else default

    def disconnect(self, code: int, reason: str) -> None:
        self.disconnected = (code, reason)

    def send_auth_banner(self, message: str) -> None:
        self.banners.append(message)


class FakeChannel:
    def __init__(self, environment=None) -> None:
        self.environment = environment or {}
        self.written = b""
        self.status: int | None = None

    def get_environment(self):
        return self.environment

    def write(self, data: bytes) -> None:
        self.written += data

    def is_closing(self) -> bool:
        return self.status is not None

    def exit(self, status: int) -> None:
        self.status = status


@pytest.fixture
def hub(db, tmp_path):
    hub = Hub(ServeOptions(db=str(tmp_path / "x.db"), host_key=tmp_path / "key", backoff_after=3))
    yield hub
    hub.close()


@pytest.fixture
def keyed(showroom, tmp_path):
    """陈静 (manager) has a key; 王磊 (consultant) has one and is then deactivated."""
    made = {}
    for login in ("chenjing", "wanglei", "stranger"):
        key = asyncssh.generate_private_key("ssh-ed25519", comment=login)
        made[login] = key
        if login != "stranger":
            keys.add_key(
                login, keys.parse_public_key(key.export_public_key().decode()), by=OPERATOR
            )
    return made


def connect(hub: Hub, address: str = "192.0.2.7") -> tuple[StaffServer, FakeConnection]:
    server = StaffServer(hub)
    conn = FakeConnection(address)
    server.connection_made(conn)
    return server, conn


async def finish(server: StaffServer) -> None:
    """Let the audit entries the server queued reach the store."""
    await asyncio.sleep(0)
    if server.tasks:
        await asyncio.gather(*list(server.tasks))


def audit_rows(action: str) -> list[dict]:
    import json

    return [
        {"staff": e.staff_id, "session": e.session, **json.loads(e.detail)}
        for e in AuditEntry.select().where(AuditEntry.action == action).order_by(AuditEntry.id)
    ]


async def test_a_staff_key_signs_its_owner_in_and_is_audited(hub, keyed, showroom):
    server, _ = connect(hub)
    assert server.begin_auth("chenjing") is True  # everyone must authenticate
    assert server.public_key_auth_supported()
    assert await server.validate_public_key("chenjing", keyed["chenjing"]) is True
    assert server.staff is None  # not before the signature is checked
    server.auth_completed()
    assert server.staff == showroom["chenjing"]
    session = server.session_requested()
    assert isinstance(session.app, AppSession) and len(hub.sessions) == 1
    session.connection_lost(None)  # never started: the place is given back
    assert hub.sessions == set()
    server.connection_lost(None)
    await finish(server)
    login = audit_rows("login")
    assert [(r["staff"], r["login"], r["address"]) for r in login] == [
        (showroom["chenjing"].id, "chenjing", "192.0.2.7")
    ]
    assert login[0]["session"] == server.session_name
    assert len(audit_rows("logout")) == 1
    assert StaffKey.get(StaffKey.staff == showroom["chenjing"]).last_used_at is not None


async def test_an_unknown_key_a_deactivated_member_and_strangers_are_refused(
    hub, keyed, showroom, caplog
):
    showroom["wanglei"].active = False
    showroom["wanglei"].save()
    cases = [
        ("chenjing", "stranger", "unknown_key"),
        ("chenjing", "wanglei", "unknown_key"),  # 王磊's key is not 陈静's
        ("wanglei", "wanglei", "inactive"),
        ("nobody", "chenjing", "unknown_user"),
    ]
    caplog.set_level(logging.WARNING, logger="frontdesk.ssh")
    for index, (login, key, _) in enumerate(cases):
        server, _ = connect(hub, f"192.0.2.{index + 10}")
        server.begin_auth(login)
        assert await server.validate_public_key(login, keyed[key]) is False
        assert server.session_requested() is False
        server.connection_lost(None)
        await finish(server)
    refused = audit_rows("refuse")
    assert [r["reason"] for r in refused] == [reason for _, _, reason in cases]
    assert refused[0]["fingerprints"] == [keyed["stranger"].get_fingerprint("sha256")]
    assert refused[2]["staff"] == showroom["wanglei"].id
    assert refused[3]["staff"] is None
    assert sum("refused" in record.message for record in caplog.records) == len(cases)


async def test_a_password_is_never_accepted_and_the_attempt_is_logged(hub, keyed, showroom):
    server, conn = connect(hub)
    server.begin_auth("chenjing")
    assert server.password_auth_supported()  # advertised only to see the attempts
    assert not server.kbdint_auth_supported()
    assert await server.validate_password("chenjing", "123456") is False
    await finish(server)
    assert [(r["reason"], r["staff"]) for r in audit_rows("refuse")] == [
        ("password", showroom["chenjing"].id)
    ]
    assert "123456" not in AuditEntry.select().get().detail
    assert "frontdesk staff key add" in conn.banners[0]
    assert hub.backoff.failures("192.0.2.7") == 1


async def test_an_address_that_keeps_failing_is_shut_out_then_let_back(hub, keyed):
    clock = [1000.0]
    hub.backoff.clock = lambda: clock[0]
    for _ in range(3):  # backoff_after=3
        server, _ = connect(hub)
        server.begin_auth("chenjing")
        await server.validate_password("chenjing", "guess")
    server, conn = connect(hub)
    server.begin_auth("chenjing")
    assert conn.disconnected is not None
    assert "30 秒后再试" in conn.disconnected[1] or "31 秒后再试" in conn.disconnected[1]
    other, other_conn = connect(hub, "198.51.100.1")  # another address is not affected
    other.begin_auth("chenjing")
    assert other_conn.disconnected is None
    clock[0] += 31
    server, conn = connect(hub)
    server.begin_auth("chenjing")
    assert conn.disconnected is None
    assert await server.validate_public_key("chenjing", keyed["chenjing"])
    server.auth_completed()
    assert hub.backoff.failures("192.0.2.7") == 0  # a good login clears the address
    await finish(server)
    assert [r["reason"] for r in audit_rows("refuse")][-1] == "backoff"


async def test_the_session_limit_holds(hub, keyed):
    hub.options.max_sessions = 2
    server, _ = connect(hub)
    server.begin_auth("chenjing")
    await server.validate_public_key("chenjing", keyed["chenjing"])
    server.auth_completed()
    first, second = server.session_requested(), server.session_requested()
    with pytest.raises(asyncssh.ChannelOpenError) as refused:
        server.session_requested()
    assert "2 个会话都在使用中" in refused.value.reason
    first.connection_lost(None)
    assert isinstance(server.session_requested().app, AppSession)
    second.connection_lost(None)
    await finish(server)


async def test_nothing_but_a_session_is_opened(hub, keyed):
    server, _ = connect(hub)
    server.begin_auth("chenjing")
    await server.validate_public_key("chenjing", keyed["chenjing"])
    server.auth_completed()
    assert server.connection_requested("127.0.0.1", 22, "", 0) is False
    assert server.server_requested("", 8080) is False
    assert server.unix_connection_requested("/run/x.sock") is False
    assert server.unix_server_requested("/tmp/x.sock") is False
    session = server.session_requested()
    session.connection_made(FakeChannel())
    assert session.exec_requested("cat /etc/passwd") is False
    assert session.subsystem_requested("netconf") is False  # sftp only (on the export folder)
    assert session.shell_requested() is True
    session.connection_lost(None)
    await finish(server)
    assert sorted(r["reason"] for r in audit_rows("refuse")) == [
        "exec",
        "forwarding",
        "forwarding",
        "forwarding",
        "forwarding",
        "subsystem",
    ]


async def signed_in(hub, keyed) -> StaffServer:
    server, _ = connect(hub)
    server.begin_auth("chenjing")
    await server.validate_public_key("chenjing", keyed["chenjing"])
    server.auth_completed()
    return server


async def test_agent_and_x11_forwarding_are_refused_and_audited(hub, keyed, caplog):
    server = await signed_in(hub, keyed)
    session = server.session_requested()
    chan = FakeChannel()
    session.connection_made(chan)
    # asyncssh hands these two requests to the channel's handlers, never to the server.
    assert chan._process_auth_agent_req_at_openssh_dot_com_request(None) is False
    assert chan._process_x11_req_request(None) is False
    session.connection_lost(None)
    await finish(server)
    refused = [(r["reason"], r["kind"]) for r in audit_rows("refuse")]
    assert refused == [("forwarding", "agent"), ("forwarding", "x11")]
    assert sum("refused forwarding" in r.message for r in caplog.records) == 2


async def test_what_the_client_sends_is_escaped_in_the_log_and_the_audit(hub, keyed, caplog):
    server = await signed_in(hub, keyed)
    session = AppSession(hub, server, 1)
    session.connection_made(FakeChannel())
    session.pty_requested("xterm\x1b]2;pwned\x07\x9b2J", (80, 24, 0, 0), {})
    session.exec_requested("ls\x1b[2J\rrm -rf /")
    assert session.environment()["TERM"] == DEFAULT_TERM  # not a terminal's name
    session.connection_lost(None)
    server.connection_lost(None)
    await finish(server)
    refused = {r["reason"]: r for r in audit_rows("refuse")}
    assert refused["term"]["term"] == "xterm\\x1b]2;pwned\\x07\\x9b2J"
    assert refused["exec"]["command"] == "ls\\x1b[2J\\rrm -rf /"
    details = [e.detail for e in AuditEntry.select()]
    logged = [r.getMessage() for r in caplog.records]
    for text in details + logged:
        assert not any(c in text for c in "\x1b\x07\x9b\r"), text
    assert any("xterm\\x1b]2;pwned" in line for line in logged)


def window_of(fd: int) -> tuple[int, int]:
    import fcntl
    import struct
    import termios

    rows, columns, _, _ = struct.unpack("HHHH", fcntl.ioctl(fd, termios.TIOCGWINSZ, b"\0" * 8))
    return columns, rows


def test_a_window_larger_than_500_by_200_is_treated_as_500_by_200(hub):
    server = StaffServer(hub)
    session = AppSession(hub, server, 1)
    session.connection_made(FakeChannel())
    session.pty_requested("xterm", (10_000, 5_000, 80_000, 90_000), {})
    assert session.size == (500, 200, 0, 0)  # at the start
    master, slave = os.openpty()
    try:
        session.master = master
        session.terminal_size_changed(70_000, 150, 0, 0)  # past the pty's 16 bits, even
        assert session.size == (500, 150, 0, 0) and window_of(slave) == (500, 150)
        session.terminal_size_changed(132, 4_000, 0, 0)
        assert window_of(slave) == (132, 200)
        session.terminal_size_changed(120, 40, 960, 640)  # an ordinary window: as it is
        assert session.size == (120, 40, 960, 640) and window_of(slave) == (120, 40)
    finally:
        session.master = None
        os.close(master)
        os.close(slave)
        hub.sessions.clear()


def test_the_end_of_the_clients_input_closes_the_session_with_a_word(hub):
    server = StaffServer(hub)
    session = AppSession(hub, server, 1)
    chan = FakeChannel()
    session.connection_made(chan)
    # True: the channel stays open, so the app's last output and exit status still reach
    # the client (False would half-close it, and the session would hang, never closed).
    assert session.eof_received() is True
    assert session.reason == "eof"
    session._finish(129)
    assert chan.status == 129
    assert "草稿已保存" in chan.written.decode()
    hub.sessions.clear()


def test_the_child_gets_the_clients_terminal_and_never_a_size(hub, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setenv("LINES", "24")
    monkeypatch.setenv("SECRET_TOKEN", "x")
    server = StaffServer(hub)
    server.login = "chenjing"
    session = AppSession(hub, server, 1)
    session.connection_made(FakeChannel({"COLORTERM": "truecolor", "LD_PRELOAD": "/evil.so"}))
    session.pty_requested("xterm-kitty", (132, 43, 0, 0), {})
    env = session.environment()
    assert env["TERM"] == "xterm-kitty" and env["COLORTERM"] == "truecolor"
    assert env["FRONTDESK_SESSION"] == f"{server.session_name}/1"
    for name in ("COLUMNS", "LINES", "SECRET_TOKEN", "LD_PRELOAD"):
        assert name not in env
    assert session.size == (132, 43, 0, 0)
    command = session.command()
    assert command[1:4] == ["-m", "frontdesk.ssh.child", "screens.main"]
    assert command[-2:] == ["--as", "chenjing"]
    hub.sessions.clear()


def test_exit_statuses_read_like_a_shells():
    assert exit_status(0) == 0
    assert exit_status(3) == 3
    assert exit_status(-1) == 129  # SIGHUP


def test_the_host_key_is_made_once_and_kept(tmp_path):
    path = tmp_path / "keys" / "ssh_host_ed25519_key"
    first = load_or_create_host_key(path)
    assert oct(os.stat(path).st_mode & 0o777) == "0o600"
    assert (tmp_path / "keys" / "ssh_host_ed25519_key.pub").exists()
    again = load_or_create_host_key(path)
    assert again.get_fingerprint() == first.get_fingerprint()
    assert default_host_key_path(str(tmp_path / "a" / "frontdesk.db")) == (
        tmp_path / "a" / "ssh_host_ed25519_key"
    )
    assert default_host_key_path(":memory:") is None


def test_the_backoff_doubles_caps_and_forgets():
    now = [0.0]
    backoff = LoginBackoff(after=2, base=10, maximum=35, forget=100, clock=lambda: now[0])
    assert backoff.failed("a") == 0 and backoff.wait("a") == 0
    assert backoff.failed("a") == 10 and backoff.wait("a") == 10
    assert backoff.failed("a") == 20
    assert backoff.failed("a") == 35  # capped
    assert backoff.wait("b") == 0
    now[0] += 34
    assert 0 < backoff.wait("a") <= 1
    now[0] += 200  # long quiet: forgotten
    assert backoff.wait("a") == 0 and backoff.failures("a") == 0
    backoff.failed("a")
    backoff.succeeded("a")
    assert backoff.failures("a") == 0


# -- SFTP on the export folder, through asyncssh's own client --------------------------------


@contextlib.asynccontextmanager
async def serving(tmp_path, db_path):
    """``frontdesk serve`` in this process on 127.0.0.1 (apps, if any, the slow way)."""
    options = ServeOptions(
        db=db_path, host_key=tmp_path / "host_key", port=0, prefork=False, backoff_after=100
    )
    stop = asyncio.Event()
    port = asyncio.get_running_loop().create_future()
    task = asyncio.ensure_future(
        run_server(
            options, ready=lambda acceptor, _: port.set_result(acceptor.get_port()), stop=stop
        )
    )
    try:
        yield await asyncio.wait_for(port, 30)
    finally:
        stop.set()
        await asyncio.wait_for(task, 30)


async def test_sftp_fetches_from_the_members_folder_and_does_nothing_else(
    keyed, showroom, tmp_path, db_path
):
    folder = tmp_path / "exports" / "chenjing"
    folder.mkdir(parents=True)
    (folder / "统计.csv").write_bytes(b"day,parties\n1,2\n")
    (tmp_path / "secret.txt").write_text("not theirs")
    (folder / "leak.txt").symlink_to(tmp_path / "secret.txt")
    local = tmp_path / "fetched"
    local.mkdir()
    login = {"username": "chenjing", "client_keys": [keyed["chenjing"]], "known_hosts": None}
    async with (
        serving(tmp_path, db_path) as port,
        asyncssh.connect("127.0.0.1", port, agent_path=None, **login) as conn,
        conn.start_sftp_client() as sftp,
    ):
        assert await sftp.realpath(".") == "/"
        assert sorted(await sftp.listdir()) == [".", "..", "leak.txt", "统计.csv"]
        await sftp.get("统计.csv", str(local / "统计.csv"))
        refused = {
            "put": lambda: sftp.put(str(local / "统计.csv"), "new.csv"),
            "remove": lambda: sftp.remove("统计.csv"),
            "rename": lambda: sftp.rename("统计.csv", "x.csv"),
            "mkdir": lambda: sftp.mkdir("sub"),
            "chmod": lambda: sftp.chmod("统计.csv", 0o666),
            "symlink": lambda: sftp.symlink("/etc/passwd", "p"),
            "outside": lambda: sftp.get("/etc/passwd", str(local / "passwd")),
            "climbing": lambda: sftp.get("../secret.txt", str(local / "secret")),
            "link out": lambda: sftp.get("leak.txt", str(local / "leak")),
            "opened": lambda: sftp.open("leak.txt"),  # no stat first: refused all the same
            "write": lambda: sftp.open("统计.csv", "r+"),
        }
        for what, attempt in refused.items():
            try:
                await attempt()
            except asyncssh.SFTPError:  # denied, or (climbing) no such file inside
                continue
            raise AssertionError(f"{what} was allowed")
    assert (local / "统计.csv").read_bytes() == b"day,parties\n1,2\n"
    assert sorted(p.name for p in folder.iterdir()) == ["leak.txt", "统计.csv"]
    assert (folder / "统计.csv").stat().st_mode & 0o777 != 0o666
    assert not (local / "passwd").exists() and not (local / "secret").exists()
    fetched = audit_rows("fetch")
    assert [(r["staff"], r["file"], r["bytes"]) for r in fetched] == [
        (showroom["chenjing"].id, "统计.csv", 16)
    ]
    refusals = [r for r in audit_rows("refuse") if r["reason"] == "sftp"]
    assert {r["operation"] for r in refusals} >= {"put", "remove", "rename", "mkdir", "setstat"}
    assert {"symlink", "get"} <= {r["operation"] for r in refusals}
    assert all(r["staff"] == showroom["chenjing"].id for r in refusals)
    assert {"/etc/passwd", "leak.txt"} <= {r["path"] for r in refusals}  # outside: refused
