"""A dealer group's roll-ups as tables of text (集团汇总表): a header, each store's row, the
group's total last. ``report compliance --group`` and ``report losses --group`` print them,
F7's group views draw the same rows.
"""

from __future__ import annotations

from frontdesk.i18n import t
from frontdesk.reports.compliance import GroupCompliance, Tally
from frontdesk.reports.losses import GroupLosses
from frontdesk.stats.statistics_sheet import RATE, format_value

COMPLIANCE_FIGURES = ("planned", "on_time", "late", "open", "rate")  # compliance.col.<key>
STORE_HEADS = ("stats.col.store", "stats.col.store_name")


def compliance_figures(line: Tally) -> list[str]:
    """Planned, on time, late, open and the rate of a tally, as the columns show them."""
    counts = (line.planned, line.on_time, line.late, line.open)
    return [*map(str, counts), format_value(line.rate, RATE)]


def compliance_title(group: GroupCompliance) -> str:
    return t(
        "compliance.group_title",
        month=group.month.strftime("%Y-%m"),
        as_of=group.as_of.isoformat(),
    )


def compliance_rows(group: GroupCompliance) -> list[list[str]]:
    """The group's compliance: its header, each store's row, then the group's total."""
    header = [t(key) for key in STORE_HEADS]
    header += [t(f"compliance.col.{key}") for key in COMPLIANCE_FIGURES]
    rows = [[row.code, row.name, *compliance_figures(row.tally)] for row in group.stores]
    rows.append([t("stats.group_total"), "", *compliance_figures(group.total)])
    return [header, *rows]


def count_text(value: object) -> str:
    """A count or a mean of the loss analysis as text ("—": none)."""
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


def share_text(value: object) -> str:
    """A share of the loss analysis in percent ("—": none)."""
    return "—" if not isinstance(value, float) else f"{value:.1%}"


def losses_rows(group: GroupLosses) -> list[list[str]]:
    """The group's losses: its header, each store's losses and applications of the month,
    then the group's total."""
    header = [
        *(t(key) for key in STORE_HEADS),
        t("contacts.outcome.defeat"),
        t("contacts.outcome.lost"),
        t("losses.col.total"),
        t("losses.col.mean_days"),
        *(t(f"losses.col.{key}") for key in ("applied", "approved", "rejected", "pending", "rate")),
    ]
    shown = [(row.code, row.name, row.losses, row.applications) for row in group.stores]
    rows = [header]
    for code, name, lost, apps in [
        *shown,
        (t("stats.group_total"), "", group.losses, group.applications),
    ]:
        counts = (lost.defeat, lost.lost, lost.total)
        applied = (apps.applied, apps.approved, apps.rejected, apps.pending)
        days, rate = count_text(lost.mean_days), share_text(apps.rate)
        rows.append([code, name, *map(str, counts), days, *map(str, applied), rate])
    return rows
