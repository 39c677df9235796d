"""``python -m bench [--quick] [--only NAME]``: run every benchmark and write BENCHMARKS.md.

Each ``bench/bench_*.py`` module has ``run(store_path) -> str``: it measures side by side
on the large store (and on any small one it builds itself) and returns a Markdown section.
The large store is built once per size and kept in ``.bench/`` (git-ignored).
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import inspect
import os
import platform
import sqlite3
import sys
import time
from pathlib import Path

from bench.generate import build_store

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".bench"
FULL = {"registrations": 1_000_000, "intent_customers": 100_000, "contacts": 300_000}
QUICK = {"registrations": 20_000, "intent_customers": 2_000, "contacts": 6_000}


def large_store(sizes: dict[str, int]) -> Path:
    """The large store of these sizes, built on first use."""
    CACHE.mkdir(exist_ok=True)
    name = "store-{registrations}-{intent_customers}-{contacts}.db".format(**sizes)
    path = CACHE / name
    if not path.exists():
        started = time.perf_counter()
        print(f"building {path.name} …", file=sys.stderr)
        build_store(path.with_suffix(".tmp"), **sizes)
        path.with_suffix(".tmp").rename(path)
        print(f"built in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return path


def modules(only: str | None) -> list[str]:
    names = sorted(p.stem for p in Path(__file__).parent.glob("bench_*.py"))
    return [n for n in names if only is None or only in n]


def splice(text: str, sections: list[str], run_line: str) -> str:
    """``text`` (a BENCHMARKS.md) with each of ``sections`` in place of the one of the same
    title, or added at the end; the header notes when they were run again."""
    head, *old = text.split("\n## ")
    chunks = ["## " + chunk.rstrip("\n") + "\n" for chunk in old]
    for section in sections:
        title = section.split("\n", 1)[0]
        places = [i for i, chunk in enumerate(chunks) if chunk.split("\n", 1)[0] == title]
        if places:
            chunks[places[0]] = section
        else:
            chunks.append(section)
        ran = f" ({title.removeprefix('## ')})"
        kept = [  # the section's earlier run-again line goes: its figures are gone
            line
            for line in head.rstrip("\n").split("\n")
            if not (line.startswith("- run again:") and line.endswith(ran))
        ]
        head = "\n".join(kept) + f"\n{run_line.replace('- run:', '- run again:')}{ran}\n"
    return "\n".join([head, *(chunk.rstrip("\n") + "\n" for chunk in chunks)])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a small store: a smoke run")
    parser.add_argument("--only", help="run only the benchmark modules whose name contains this")
    parser.add_argument("--out", default=str(ROOT / "BENCHMARKS.md"))
    args = parser.parse_args(argv)
    sizes = QUICK if args.quick else FULL
    chosen = [importlib.import_module(f"bench.{name}") for name in modules(args.only)]
    # A module that builds its own store (``NEEDS_LARGE_STORE = False``) does not wait for
    # the large SQLite store to be built.
    needed = any(getattr(module, "NEEDS_LARGE_STORE", True) for module in chosen)
    path = large_store(sizes) if needed else CACHE / "no-large-store"
    sections = []
    for module in chosen:
        print(f"running {module.__name__} …", file=sys.stderr)
        # A module whose ``run`` takes ``quick`` sizes its own store by it.
        quick = {"quick": args.quick} if "quick" in inspect.signature(module.run).parameters else {}
        sections.append(module.run(str(path), **quick))
    header = [
        "# Benchmarks",
        "",
        "Written by `make bench` (`python -m bench`); each figure is a ratio measured side by"
        " side in one run (medians of several runs), absolute times are context only.",
        "",
        f"- run: {dt.datetime.now():%Y-%m-%d %H:%M}, {'quick' if args.quick else 'full'} sizes",
        f"- machine: {platform.machine()}, {os.cpu_count()} cores,"
        f" Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}",
        "- large store: {registrations:,} registrations over five years, {intent_customers:,} open"
        " intent customers, {contacts:,} contacts".format(**sizes),
        "",
    ]
    out = Path(args.out)
    if args.only and out.exists():  # one benchmark again: the others' sections stay as they were
        run_line = next(line for line in header if line.startswith("- run:"))
        text = splice(out.read_text(encoding="utf-8"), sections, run_line)
    else:
        text = "\n".join(header + sections) + "\n"
    out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
