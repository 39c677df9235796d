"""Child process of ``bench_startup``: start an app headless and report when it is ready.

``python bench/startup_probe.py T0_NS minimal`` — a Textual app that does nothing;
``python bench/startup_probe.py T0_NS frontdesk DB`` — the ``frontdesk`` command on ``DB``.

``T0_NS`` is the parent's ``time.time_ns()`` just before it started this process, so the
figure printed (seconds, the last line on stdout) covers everything a user waits for: the
interpreter, every import, opening (and checking the migrations of) the store, the first
screen composed, and — for frontdesk — the day's log loaded by its thread worker and shown
on a rendered frame. Both apps are measured at the same moment: the first
``call_after_refresh`` once the first screen shows what it is for.

For frontdesk the phases of start-up go to stderr (``phase <name> <ms>``), the profile that
explains the figure. The modules are imported in the order the command imports them, ahead
of the call, only so that each import can be timed on its own: the same work, the same total.
"""

from __future__ import annotations

import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SIZE = (120, 36)


def _ms(t0_ns: int) -> float:
    return (time.time_ns() - t0_ns) / 1e6


def _phase(t0_ns: int, name: str) -> None:
    print(f"phase {name} {_ms(t0_ns):.1f}", file=sys.stderr, flush=True)


def _report(t0_ns: int, app) -> None:
    print(f"{(time.time_ns() - t0_ns) / 1e9:.6f}", flush=True)
    app.exit()


def minimal(t0_ns: int) -> int:
    from textual.app import App

    class Minimal(App[None]):
        def on_mount(self) -> None:
            self.call_after_refresh(_report, t0_ns, self)

    Minimal().run(headless=True, size=SIZE)
    return 0


def frontdesk(t0_ns: int, db_path: str) -> int:
    """The real command line (``screens.main.main``), headless, stopped at the first log."""
    _phase(t0_ns, "interpreter")
    from textual.app import App

    _phase(t0_ns, "import textual.app")
    real_run = App.run

    def headless_run(self, *args, **kwargs):
        _phase(t0_ns, "store opened, app built")
        kwargs.update(headless=True, size=SIZE)
        return real_run(self, *args, **kwargs)

    App.run = headless_run

    import frontdesk.store

    _phase(t0_ns, "import frontdesk core")
    import frontdesk.cli  # noqa: F401  (argparse and every CLI area)

    _phase(t0_ns, "import frontdesk.cli")
    import screens.app  # noqa: F401  (the screens and their widgets)
    from screens import main
    from screens.desk import day_log

    _phase(t0_ns, "import screens")

    real_load = day_log.DayLogScreen.load
    real_show = day_log.DayLogScreen._show
    real_resume = day_log.DayLogScreen.on_screen_resume
    reported = []

    def resume(self) -> None:
        _phase(t0_ns, "log screen mounted")
        real_resume(self)

    def load():
        loaded = real_load()
        _phase(t0_ns, f"day's log read ({len(loaded[1])} rows)")
        return loaded

    def show(self, loaded) -> None:
        real_show(self, loaded)
        if not reported:
            reported.append(True)
            _phase(t0_ns, "rows put in the table")

            def first_frame() -> None:
                _phase(t0_ns, "table laid out, first frame painted")
                _report(t0_ns, self.app)

            self.call_after_refresh(first_frame)

    day_log.DayLogScreen.on_screen_resume = resume
    day_log.DayLogScreen.load = staticmethod(load)
    day_log.DayLogScreen._show = show
    return main.main(["--db", db_path])


if __name__ == "__main__":
    sys.path.insert(0, ROOT)
    start, which, *rest = sys.argv[1:]
    if which == "minimal":
        raise SystemExit(minimal(int(start)))
    raise SystemExit(frontdesk(int(start), rest[0]))
