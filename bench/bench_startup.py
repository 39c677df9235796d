"""Start-up: ``frontdesk`` on the large store to its first interactive frame, against a
minimal Textual app doing nothing (target ≤ 1.3).

Both run in fresh subprocesses through the same harness (``bench/startup_probe.py``),
headless at 120×36, alternately, and are timed the same way: from just before the process
is started to the first ``call_after_refresh`` once the first screen shows what it is for —
for frontdesk, today's log read by its thread worker and put in the table. The figure is
the ratio of the medians; one warm-up run of each comes first (the page cache and the
``.pyc`` files are then the same for both). A missed target keeps its profile: the median
moment each phase of start-up ended.
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.support import migrated

RUNS = 9
TARGET = 1.3
PROBE = Path(__file__).with_name("startup_probe.py")
ROOT = PROBE.parent.parent
TIMEOUT_S = 120
PHASE = re.compile(r"^phase (.+) (\d+(?:\.\d+)?)$")


def _environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FRONTDESK_")}
    env["PYTHONPATH"] = str(ROOT)
    return env


def probe(*args: str) -> tuple[float, dict[str, float]]:
    """One start-up in a new process: seconds to the first ready frame, and its phases (ms)."""
    started = time.time_ns()
    done = subprocess.run(
        [sys.executable, str(PROBE), str(started), *args],
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        cwd=ROOT,
        env=_environment(),
        check=False,
    )
    if done.returncode != 0 or not done.stdout.strip():
        raise RuntimeError(f"start-up probe {args} failed:\n{done.stdout}\n{done.stderr}")
    phases = {}
    for line in done.stderr.splitlines():
        match = PHASE.match(line)
        if match:
            phases[re.sub(r"\(\d+ rows\)", "(N rows)", match[1])] = float(match[2])
            rows = re.search(r"\((\d+) rows\)", match[1])
            if rows:
                phases["rows"] = float(rows[1])
    return float(done.stdout.split()[-1]), phases


def measure(store_path: str, runs: int = RUNS) -> dict:
    """Medians of ``runs`` alternating start-ups of each app, after one warm-up of each."""
    migrated(store_path)  # a new store's first open migrates it: that is not start-up
    probe("minimal")
    probe("frontdesk", store_path)
    minimal, frontdesk, phases = [], [], []
    for _ in range(runs):
        minimal.append(probe("minimal")[0])
        seconds, phase = probe("frontdesk", store_path)
        frontdesk.append(seconds)
        phases.append(phase)
    names = [name for name in phases[0] if name != "rows"]
    return {
        "minimal": statistics.median(minimal),
        "frontdesk": statistics.median(frontdesk),
        "ratio": statistics.median(frontdesk) / statistics.median(minimal),
        "phases": {name: statistics.median(p[name] for p in phases) for name in names},
        "rows": int(phases[0].get("rows", 0)),
        "runs": runs,
    }


def _explanation(result: dict) -> str:
    """Where frontdesk's time beyond the minimal app goes, from the phases."""
    phases = list(result["phases"].items())
    starts = [0.0, *(end for _, end in phases)]
    steps = [(name, end - start) for (name, end), start in zip(phases, starts[:-1], strict=True)]
    shared = sum(ms for name, ms in steps if name in ("interpreter", "import textual.app"))
    own = [(name, ms) for name, ms in steps if name not in ("interpreter", "import textual.app")]
    largest, largest_ms = max(own, key=lambda step: step[1])
    return (
        f"Both apps pay for the interpreter and `import textual.app` ({shared:.0f} ms here);"
        f" frontdesk's own {sum(ms for _, ms in own):.0f} ms are its imports, opening the"
        f" store, composing the screen, reading the day's log and laying out the table. The"
        f" largest part: {largest} ({largest_ms:.0f} ms)."
    )


def run(store_path: str) -> str:
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    result = measure(store_path)
    ratio = result["ratio"]
    verdict = "met" if ratio <= TARGET else "**missed**"
    lines = [
        "## Start-up to the first interactive frame",
        "",
        f"`frontdesk` on the large store ÷ a minimal Textual app: **{ratio:.2f}**"
        f" (target ≤ {TARGET}: {verdict}).",
        "",
        f"- frontdesk {result['frontdesk'] * 1000:.0f} ms (today's log: {result['rows']} rows),"
        f" minimal app {result['minimal'] * 1000:.0f} ms; medians of {result['runs']}"
        " alternating runs in fresh processes, headless at 120×36, from process start to the"
        " first frame showing the day's log (`bench/startup_probe.py`).",
        f"- machine load when the run began: {load:.1f} (1-minute average, {os.cpu_count()}"
        " cores); other work on the machine slows frontdesk more than the minimal app.",
        "- reproduce: `.venv/bin/python -m bench --only startup`",
        "",
        "Where frontdesk's start-up goes (median moment each phase ended, ms from process start):",
        "",
        "| phase | ends at ms | takes ms |",
        "|---|---:|---:|",
    ]
    previous = 0.0
    for name, moment in result["phases"].items():
        lines.append(f"| {name} | {moment:.0f} | {moment - previous:.0f} |")
        previous = moment
    lines.append(
        f"| *minimal app, for comparison: first frame* | {result['minimal'] * 1000:.0f} | |"
    )
    lines += ["", _explanation(result), ""]
    return "\n".join(lines)


if __name__ == "__main__":
    print(run(sys.argv[1]))
