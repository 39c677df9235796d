"""The ``frontdesk`` program, instrumented: ``python bench/startup_probe.py PHASES ARGS…``.

``bench_startup`` runs it in tmux as it runs ``frontdesk ARGS…`` (the same ``screens.main``
with the same arguments), for the profile only: the timed runs are the real program. Each
phase of start-up appends ``<name> <time.time_ns()>`` to the file ``PHASES`` when it ends
(the bench wrote the launch moment first). Only ``textual.app`` and ``screens.main`` are
imported ahead of the call, each to be timed on its own; the rest is imported where the
program imports it.
"""

from __future__ import annotations

import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main(phases_file: str, argv: list[str]) -> int:
    with open(phases_file, "a", encoding="utf-8", buffering=1) as phases:

        def phase(name: str) -> None:
            phases.write(f"{name} {time.time_ns()}\n")

        phase("interpreter")
        from textual.app import App

        phase("import textual.app")
        from screens import main as program

        phase("import screens.main (the core, the CLI's entry)")
        real_run = App.run

        def run(self, *args, **kwargs):
            phase("store opened, app built")
            return real_run(self, *args, **kwargs)

        App.run = run  # type: ignore[method-assign]
        from screens.desk import day_log

        phase("import screens (the app, the log)")
        screen = day_log.DayLogScreen
        real_load, real_show = screen.load, screen._show
        real_resume = screen.on_screen_resume
        shown: list[bool] = []

        def resume(self) -> None:
            phase("log screen composed and mounted")
            real_resume(self)

        def load():
            loaded = real_load()
            phase("day's log read (its thread)")
            return loaded

        def show(self, loaded) -> None:
            real_show(self, loaded)
            if not shown:
                shown.append(True)
                phase("rows put in the table")
                self.call_after_refresh(lambda: phase("table laid out, first frame painted"))

        screen.on_screen_resume = resume  # type: ignore[method-assign]
        screen.load = staticmethod(load)  # type: ignore[method-assign]
        screen._show = show  # type: ignore[method-assign]
        return program.main(argv)


if __name__ == "__main__":
    sys.path.insert(0, ROOT)
    raise SystemExit(main(sys.argv[1], sys.argv[2:]))
