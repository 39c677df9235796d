"""The ``frontdesk`` command: the TUI when no subcommand is given, else the core CLI."""

from __future__ import annotations

import argparse

from frontdesk import cli, onboarding, settings
from frontdesk.models import Staff


def run_tui(args: argparse.Namespace, staff: Staff | None) -> int:
    """Open the app on the store that ``cli.prepare`` opened."""
    from screens.app import FrontdeskApp

    app = FrontdeskApp(
        staff=staff, store_name=settings.store_name(), show_welcome=onboarding.needs_welcome()
    )
    app.run()
    return app.return_code or 0


def main(argv: list[str] | None = None) -> int:
    return cli.main(argv, tui=run_tui)


if __name__ == "__main__":
    raise SystemExit(main())
