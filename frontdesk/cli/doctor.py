"""``frontdesk doctor``: the store's health in plain answers, exit 1 when something is wrong."""

from __future__ import annotations

import argparse

from frontdesk.cli.base import Handler, add_command, table
from frontdesk.i18n import t
from frontdesk.people.actor import Actor

OK_MARK = "✓"
BAD_MARK = "✗"


def add_commands(commands) -> dict[str, Handler]:
    add_command(commands, "doctor", "doctor.cmd")
    return {"doctor": _doctor}


def _doctor(args: argparse.Namespace, actor: Actor) -> int:
    from frontdesk.store import doctor  # only this command needs it: start-up does not pay for it

    name = doctor.store_name()
    findings = doctor.examine()
    print(t("doctor.title", path=name))
    rows = [
        [OK_MARK if finding.ok else BAD_MARK, finding.label, finding.answer] for finding in findings
    ]
    for line in table(rows):
        print(f"  {line}")
    problems = sum(not finding.ok for finding in findings)
    print(t("doctor.all_ok") if not problems else t("doctor.problems", count=problems))
    return 1 if problems else 0
