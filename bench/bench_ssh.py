"""Benchmark: sessions of ``frontdesk serve`` — ten opening at once against one alone.

A small store of its own (demo data, a manager with a key), one server on 127.0.0.1, and
an asyncssh client in this process asking for a pty at 120×36. "First screen" is the day's
log title on the wire: the app has started, read the store and drawn the log. The figure
is the time until *all* of ten sessions opened at the same moment show it, divided by the
time one session alone takes (target ≤ 2), medians of several runs.

Measured side by side for the two ways the server starts an app: forked from its
pre-forked process (the default) and as a new Python process (``--no-prefork``). For the
default, also: two at once ÷ one, and the CPU that the ten first screens cost (server, apps
and this client, read from ``/proc`` the moment the tenth screen showed), which bounds
what two cores can do. Memory of an idle session: resident (RSS) and proportional (PSS,
shared pages divided among the processes sharing them) size of its app.
"""

from __future__ import annotations

import asyncio
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import asyncssh

ROOT = Path(__file__).resolve().parent.parent
MARKER = "今日来店(电)登记表".encode()
SINGLE_RUNS = 7
PAIR_RUNS = 5
CROWD_RUNS = 5
CROWD = 10
TARGET = 2.0
IDLE_S = 3.0
IDLE_SESSIONS = 30  # managers connected and idle, each session's own memory measured
IDLE_SETTLE_S = 5.0  # after the last one shows its first screen
PSS_TARGET_MIB = 30.0
TIMEOUT_S = 120.0
TICK = os.sysconf("SC_CLK_TCK")
MODES = (("forked from the pre-forked process", ()), ("new process each", ("--no-prefork",)))


class _Screen(asyncssh.SSHClientSession):
    """Collects what the app draws; ``shown`` is set once the marker went by."""

    def __init__(self) -> None:
        self.data = bytearray()
        self.shown = asyncio.Event()

    def data_received(self, data: bytes, datatype) -> None:
        if not self.shown.is_set():
            self.data += data
            if MARKER in self.data:
                self.shown.set()


def _frontdesk(store: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "screens.main", "--db", str(store), *args],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(ROOT), "FRONTDESK_LANG": "zh_CN"},
    )


# -- processes, from /proc ------------------------------------------------------------------


def _stat(pid: int) -> list[str]:
    """The fields of /proc/PID/stat after the command name (field 3 onwards)."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def _cpu_s(pid: int) -> float:
    """User and system CPU seconds of a live process (its own, not its children's)."""
    fields = _stat(pid)
    return (int(fields[11]) + int(fields[12])) / TICK


def _children(parent: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int(_stat(int(entry.name))[1]) == parent:
                    found.append(int(entry.name))
            except (OSError, ValueError, IndexError):
                continue
    return found


def _is_prefork(pid: int) -> bool:
    try:
        return b"frontdesk.ssh.prefork" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def _processes(server: int) -> tuple[list[int], list[int]]:
    """(the server and its pre-forked process, the session apps) below ``server``."""
    helpers, apps = [server], []
    for child in _children(server):
        if _is_prefork(child):
            helpers.append(child)
            apps.extend(_children(child))
        else:
            apps.append(child)
    return helpers, apps


def _memory_mib(pid: int) -> tuple[float, float]:
    """(RSS, PSS) in MiB, from /proc/PID/smaps_rollup."""
    sizes = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        name, _, rest = line.partition(":")
        if name in ("Rss", "Pss"):
            sizes[name] = int(rest.split()[0]) / 1024
    return sizes["Rss"], sizes["Pss"]


def _client_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# -- sessions -------------------------------------------------------------------------------


async def _open(port: int, key) -> tuple[float, asyncssh.SSHClientConnection]:
    started = time.perf_counter()
    conn = await asyncssh.connect(
        "127.0.0.1", port, username="chenjing", client_keys=[key], known_hosts=None
    )
    _, screen = await conn.create_session(
        _Screen, term_type="xterm-256color", term_size=(120, 36), encoding=None
    )
    await asyncio.wait_for(screen.shown.wait(), TIMEOUT_S)
    return time.perf_counter() - started, conn


async def _close(conns) -> None:
    for conn in conns:
        conn.close()
    await asyncio.gather(*(conn.wait_closed() for conn in conns))
    await asyncio.sleep(1.0)  # the apps exit on SIGHUP before the next run


async def _at_once(port: int, key, count: int) -> tuple[float, list]:
    started = time.perf_counter()
    opened = await asyncio.gather(*(_open(port, key) for _ in range(count)))
    return time.perf_counter() - started, opened


async def _measure(port: int, key, server: int) -> dict:
    figures: dict = {"single": [], "pair": [], "crowd": [], "each": [], "cpu": [], "memory": []}
    for _ in range(SINGLE_RUNS):
        elapsed, conn = await _open(port, key)
        figures["single"].append(elapsed)
        await _close([conn])
    for _ in range(PAIR_RUNS):
        elapsed, opened = await _at_once(port, key, 2)
        figures["pair"].append(elapsed)
        await _close([conn for _, conn in opened])
    for run in range(CROWD_RUNS):
        helpers, _ = _processes(server)
        before = sum(_cpu_s(pid) for pid in helpers) + _client_cpu_s()
        elapsed, opened = await _at_once(port, key, CROWD)
        helpers, apps = _processes(server)
        after = sum(_cpu_s(pid) for pid in helpers + apps) + _client_cpu_s()
        figures["crowd"].append(elapsed)
        figures["cpu"].append((after - before) / CROWD)
        figures["each"].extend(elapsed for elapsed, _ in opened)
        if run == 0:
            await asyncio.sleep(IDLE_S)
            figures["memory"] = [_memory_mib(pid) for pid in _processes(server)[1]]
        await _close([conn for _, conn in opened])
    return figures


async def _idle(port: int, key, server: int) -> dict:
    """``IDLE_SESSIONS`` managers connected at once and left idle: each app's RSS and PSS,
    and the pre-forked process's own, read once they have all been idle a while."""
    _, opened = await _at_once(port, key, IDLE_SESSIONS)
    await asyncio.sleep(IDLE_SETTLE_S)
    helpers, apps = _processes(server)
    memory = [_memory_mib(pid) for pid in apps]
    warm = [_memory_mib(pid) for pid in helpers[1:]]
    await _close([conn for _, conn in opened])
    return {"sessions": len(apps), "memory": memory, "prefork": warm}


def _serve(store: Path, *options: str) -> tuple[subprocess.Popen, int]:
    server = subprocess.Popen(
        [
            *(sys.executable, "-m", "screens.main", "--db", str(store), "serve"),
            *("--port", "0", "--max-sessions", str(2 * max(CROWD, IDLE_SESSIONS)), *options),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT), "FRONTDESK_LANG": "zh_CN"},
    )
    line = server.stdout.readline()
    return server, int(line.split("127.0.0.1:")[1].split("，")[0].split(",")[0])


def _summary(figures: dict) -> dict:
    median = statistics.median
    rss = [r for r, _ in figures["memory"]]
    pss = [p for _, p in figures["memory"]]
    return {
        "single": median(figures["single"]),
        "pair": median(figures["pair"]),
        "crowd": median(figures["crowd"]),
        "crowds": (min(figures["crowd"]), max(figures["crowd"])),
        "each": median(figures["each"]),
        "cpu": median(figures["cpu"]),
        "rss": median(rss) if rss else float("nan"),
        "pss": median(pss) if pss else float("nan"),
    }


def run(store_path: str) -> str:
    """Measure on a small store of its own (``store_path``, the large store, is not used:
    the figure is about starting sessions, and a key must not be added to the shared store)."""
    del store_path
    results = {}
    with tempfile.TemporaryDirectory(prefix="bench-ssh-") as folder:
        store = Path(folder) / "store.db"
        _frontdesk(store, "demo", "--days", "90")
        key = asyncssh.generate_private_key("ssh-ed25519", comment="bench")
        (Path(folder) / "bench.pub").write_bytes(key.export_public_key())
        _frontdesk(store, "staff", "key", "add", "chenjing", str(Path(folder) / "bench.pub"))
        idle: dict = {}
        for mode, options in MODES:
            server, port = _serve(store, *options)
            try:
                time.sleep(1.0)  # the pre-forked process has imported the app
                results[mode] = _summary(asyncio.run(_measure(port, key, server.pid)))
                if not options:  # the pre-forked server, as managers use it
                    idle = asyncio.run(_idle(port, key, server.pid))
            finally:
                server.terminate()
                server.wait(30)
    return _report(results).rstrip("\n") + "\n\n" + _idle_report(idle)


def _idle_report(idle: dict) -> str:
    pss = sorted(p for _, p in idle["memory"])
    rss = sorted(r for r, _ in idle["memory"])
    worst = max(pss)
    verdict = "met" if worst <= PSS_TARGET_MIB else "**missed**"
    prefork = ", ".join(f"RSS {r:.0f} MiB, PSS {p:.0f} MiB" for r, p in idle["prefork"])
    return "\n".join(
        [
            f"### {IDLE_SESSIONS} idle manager sessions",
            "",
            f"Each idle session's own memory (PSS), the largest of {idle['sessions']}:"
            f" **{worst:.1f} MiB** (target ≤ {PSS_TARGET_MIB:g} MiB: {verdict}).",
            "",
            f"- {IDLE_SESSIONS} sessions of the manager 陈静 opened at once on the pre-forked"
            f" server (90-day demo store, 120×36), each showing the day's log, then left idle"
            f" {IDLE_SETTLE_S:g} s; PSS and RSS of each session's app from"
            " `/proc/PID/smaps_rollup`. PSS counts a page shared by N processes as 1/N: the"
            " pages every session still shares with the pre-forked process are split among them.",
            f"- PSS: median {statistics.median(pss):.1f} MiB, smallest {pss[0]:.1f}, largest"
            f" {worst:.1f}; RSS: median {statistics.median(rss):.0f} MiB (mostly pages shared"
            f" with the pre-forked process). The pre-forked process itself: {prefork}.",
            "- reproduce: `.venv/bin/python -m bench --only ssh`",
            "",
        ]
    )


def _report(results: dict) -> str:
    fork, fresh = (results[mode] for mode, _ in MODES)
    ratio = fork["crowd"] / fork["single"]
    cores = os.cpu_count() or 1
    bound = CROWD * fork["cpu"] / cores  # ten first screens' CPU on every core, no waiting
    verdict = "met" if ratio <= TARGET else "**missed**"
    rows = [
        ("one session alone", "single", "{:.2f} s"),
        ("two at once, both shown", "pair", "{:.2f} s"),
        (f"{CROWD} at once, all shown", "crowd", "{:.2f} s"),
        (f"each of the {CROWD} (median)", "each", "{:.2f} s"),
        ("CPU per session to its first screen (server, app, client)", "cpu", "{:.3f} s"),
        ("idle session's app, resident (RSS)", "rss", "{:.0f} MiB"),
        ("idle session's app, proportional (PSS)", "pss", "{:.0f} MiB"),
    ]
    table = [f"| measure | {MODES[0][0]} | {MODES[1][0]} |", "|---|---:|---:|"]
    for label, name, form in rows:
        table.append(f"| {label} | {form.format(fork[name])} | {form.format(fresh[name])} |")
    return "\n".join(
        [
            "## SSH sessions (`frontdesk serve`)",
            "",
            f"Connect to first screen, {CROWD} sessions opened at once ÷ one alone:"
            f" **{ratio:.2f}** (target ≤ {TARGET:g}: {verdict}).",
            "",
            f"- the day's log drawn at 120×36, asyncssh client on 127.0.0.1; medians of"
            f" {SINGLE_RUNS} single sessions, {PAIR_RUNS} pairs and {CROWD_RUNS} crowds of"
            f" {CROWD}, each way of starting the app against the same store, one after the other.",
            f"- two at once ÷ one: {fork['pair'] / fork['single']:.2f}; the new-process way:"
            f" {CROWD} ÷ 1 = {fresh['crowd'] / fresh['single']:.2f}, and its {CROWD} at once"
            f" take {fresh['crowd'] / fork['crowd']:.1f}× as long. The runs of {CROWD} took"
            " {:.2f}–{:.2f} s (forked) and {:.2f}–{:.2f} s (new processes).".format(
                *fork["crowds"], *fresh["crowds"]
            ),
            f"- why the target is missed on this machine: the {CROWD} first screens cost"
            f" {CROWD} × {fork['cpu']:.3f} s of CPU, and {cores} cores give at most"
            f" {cores} s of CPU a second, so they cannot all be shown sooner than"
            f" {bound:.2f} s, which is {bound / fork['single']:.1f}× one session alone."
            f" Measured: {fork['crowd']:.2f} s,"
            f" {fork['crowd'] / bound:.2f}× that bound. Two sessions, one per core, stay within"
            " the target.",
            "- reproduce: `.venv/bin/python -m bench --only ssh`",
            "",
            *table,
            "",
        ]
    )


if __name__ == "__main__":
    print(run(""))
