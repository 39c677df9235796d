"""``frontdesk doctor``: the store's health in plain answers, exit 1 when something is wrong
(a warning, marked !, alone leaves it 0)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from frontdesk.cli.base import Handler, add_command, table
from frontdesk.i18n import t
from frontdesk.people.actor import Actor

if TYPE_CHECKING:
    from frontdesk.store.doctor import Finding

OK_MARK = "✓"
BAD_MARK = "✗"
WARN_MARK = "!"  # ok, yet worth reading (exit status 0)


def add_commands(commands) -> dict[str, Handler]:
    add_command(commands, "doctor", "doctor.cmd")
    return {"doctor": _doctor}


def _doctor(args: argparse.Namespace, actor: Actor) -> int:
    from frontdesk.store import doctor  # only this command needs it: start-up does not pay for it

    name = doctor.store_name()
    findings = doctor.examine()
    print(t("doctor.title", path=name))
    rows = [[_mark(finding), finding.label, finding.answer] for finding in findings]
    for line in table(rows):
        print(f"  {line}")
    problems = sum(not finding.ok for finding in findings)
    warnings = sum(finding.ok and finding.warning for finding in findings)
    if problems:
        print(t("doctor.problems", count=problems))
    elif warnings:
        print(t("doctor.warnings", count=warnings))
    else:
        print(t("doctor.all_ok"))
    return 1 if problems else 0


def _mark(finding: Finding) -> str:
    if not finding.ok:
        return BAD_MARK
    return WARN_MARK if finding.warning else OK_MARK
