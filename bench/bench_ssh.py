"""Benchmark: sessions of ``frontdesk serve`` — ten opening at once against one alone.

A small store of its own (demo data, a manager with a key), one server on 127.0.0.1, and
an asyncssh client in this process asking for a pty at 120×36. "First screen" is the day's
log title on the wire: the app has started, read the store and drawn the log. The figure
is the time until *all* of ten sessions opened at the same moment show it, divided by the
time one session alone takes (target ≤ 2), medians of several runs; the memory of an
idle session is the resident size of its app process.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import asyncssh

ROOT = Path(__file__).resolve().parent.parent
MARKER = "今日来店(电)登记表".encode()
SINGLE_RUNS = 5
CROWD_RUNS = 3
CROWD = 10
TARGET = 2.0
IDLE_S = 3.0
TIMEOUT_S = 120.0


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


def _frontdesk(store: Path, *args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "screens.main", "--db", str(store), *args],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(ROOT), "FRONTDESK_LANG": "zh_CN"},
        **kwargs,
    )


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


def _children_rss_mb(parent: int) -> list[float]:
    """Resident sizes (MiB) of the processes whose parent is ``parent`` (Linux /proc)."""
    sizes = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            if ppid != parent:
                continue
            for line in (entry / "status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    sizes.append(int(line.split()[1]) / 1024)
        except (OSError, ValueError, IndexError):
            continue
    return sizes


async def _measure(port: int, key, server_pid: int) -> dict:
    singles = []
    for _ in range(SINGLE_RUNS):
        elapsed, conn = await _open(port, key)
        singles.append(elapsed)
        await _close([conn])
    crowds, each, rss = [], [], []
    for run in range(CROWD_RUNS):
        started = time.perf_counter()
        opened = await asyncio.gather(*(_open(port, key) for _ in range(CROWD)))
        crowds.append(time.perf_counter() - started)
        each.extend(elapsed for elapsed, _ in opened)
        if run == 0:
            await asyncio.sleep(IDLE_S)
            rss = _children_rss_mb(server_pid)
        await _close([conn for _, conn in opened])
    return {"single": singles, "crowd": crowds, "each": each, "rss": rss}


def run(store_path: str) -> str:
    """Measure on a small store of its own (``store_path``, the large store, is not used:
    the figure is about starting sessions, and a key must not be added to the shared store)."""
    del store_path
    with tempfile.TemporaryDirectory(prefix="bench-ssh-") as folder:
        store = Path(folder) / "store.db"
        _frontdesk(store, "demo", "--days", "7")
        key = asyncssh.generate_private_key("ssh-ed25519", comment="bench")
        (Path(folder) / "bench.pub").write_bytes(key.export_public_key())
        _frontdesk(store, "staff", "key", "add", "chenjing", str(Path(folder) / "bench.pub"))
        server = subprocess.Popen(
            [
                *(sys.executable, "-m", "screens.main", "--db", str(store), "serve"),
                *("--port", "0", "--max-sessions", str(CROWD * 2)),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT), "FRONTDESK_LANG": "zh_CN"},
        )
        try:
            line = server.stdout.readline()
            port = int(line.split("127.0.0.1:")[1].split("，")[0].split(",")[0])
            figures = asyncio.run(_measure(port, key, server.pid))
        finally:
            server.terminate()
            server.wait(30)
    single = statistics.median(figures["single"])
    crowd = statistics.median(figures["crowd"])
    ratio = crowd / single
    rss = figures["rss"]
    verdict = "meets" if ratio <= TARGET else "misses"
    return "\n".join(
        [
            "## SSH sessions (`frontdesk serve`)",
            "",
            f"Connect to first screen (the day's log drawn, 120×36, asyncssh client on"
            f" 127.0.0.1), median of {SINGLE_RUNS} single sessions and of {CROWD_RUNS} runs"
            f" of {CROWD} sessions opened at once.",
            "",
            "| measure | value |",
            "|---|---|",
            f"| one session alone | {single:.2f} s |",
            f"| all {CROWD} of {CROWD} at once | {crowd:.2f} s |",
            f"| each of the {CROWD} (median) | {statistics.median(figures['each']):.2f} s |",
            f"| **ratio {CROWD} ÷ 1** (target ≤ {TARGET:g}) | **{ratio:.2f}** ({verdict}) |",
            f"| memory of an idle session (RSS of its app, median of {len(rss)}) |"
            f" {statistics.median(rss) if rss else float('nan'):.0f} MiB |",
            "",
            f"On {os.cpu_count()} cores ten sessions start ten interpreters, each importing"
            " Textual and drawing its first frame: the crowd figure is bounded by"
            " CPU time ÷ cores, not by the server.",
            "",
        ]
    )


if __name__ == "__main__":
    print(run(""))
