"""``python -m frontdesk``: the core CLI (every subcommand except the TUI)."""

from frontdesk.cli import main

raise SystemExit(main())
