"""The daily report (营业日报表) in words: its columns, summary lines, signature and
amendments as the user reads them — one layout for the command line, the XLSX and F7."""

from __future__ import annotations

from frontdesk import rules
from frontdesk.i18n import t
from frontdesk.reports.daily_report import (
    CONTACT,
    NO_PURPOSE,
    OWNER_CLASSES,
    Amendment,
    DailyReport,
    ReportRow,
)

# The columns of a row, in the paper form's order (the time first: the rows' order).
ROW_COLUMNS = ("no", "time", "name", "model", "phone", "level", "method", "purpose", "account")
PLAN_COLUMNS = ("due", "overdue", "level", "name", "phone", "model")
STAMP_FORMAT = "%Y-%m-%d %H:%M"


def title(report: DailyReport) -> str:
    """营业日报表 · 2026-11-24（星期二）· 销售顾问 王磊."""
    return t(
        "daily.heading",
        date=report_date(report),
        consultant=report.consultant,
    )


def report_date(report: DailyReport) -> str:
    day = report.day
    return t("app.date", date=day.isoformat(), weekday=t(f"weekday.{day.weekday()}"))


def header() -> list[str]:
    return [t(f"daily.col.{key}") for key in ROW_COLUMNS]


def row_cells(row: ReportRow) -> list[str]:
    """序号, time, customer, model, phone, 开拓/确度, 电话/拜访, 访问目的, 访问经过."""
    level = row.level or "—"
    if row.from_level and row.from_level != row.level:
        level = f"{row.from_level}→{level}"
    return [
        str(row.number),
        row.at[11:16],
        row.name or "—",
        row.model,
        rules.format_phone(row.phone),
        level,
        row.method_label,
        row.purpose_label,
        row.account,
    ]


def visit_rows(report: DailyReport) -> list[list[str]]:
    """本日访问客户数 and 本月访问累计."""
    return [
        [t("daily.visits_today"), str(report.visits_today)],
        [t("daily.visits_month"), str(report.visits_month)],
    ]


def purpose_text(report: DailyReport) -> str:
    """促进 2 · 手续 0 · 管理 1 · 开拓 0 (· 未填 1 when some were not stated)."""
    parts = [
        f"{t(f'contacts.purpose.{purpose}')} {report.purposes.get(purpose, 0)}"
        for purpose in rules.CONTACT_PURPOSES
    ]
    unstated = report.purposes.get(NO_PURPOSE, 0)
    if unstated:
        parts.append(f"{t('contacts.purpose.none')} {unstated}")
    return " · ".join(parts)


def intent_rows(report: DailyReport) -> list[list[str]]:
    """本日止意向客户数: a header, then each level's 上月留存 / 本月新生 / 合计, the total, and
    the phone leads (来电意向) apart."""
    rows = [[t("daily.level"), t("daily.carried"), t("daily.new"), t("daily.total")]]
    for level in rules.LEVELS:
        by = report.intent.get(level, {})
        carried, new = by.get("carried", 0), by.get("new", 0)
        rows.append([level, str(carried), str(new), str(carried + new)])
    total = report.intent_total
    rows.append([t("daily.total"), str(total["carried"]), str(total["new"]), str(total["all"])])
    leads = sum(by.get("leads", 0) for by in report.intent.values())
    rows.append([t("daily.leads"), "", "", str(leads)])
    return rows


def owner_rows(report: DailyReport) -> list[list[str]]:
    """本日止保有客户数: 自销 / 他销 / 合计."""
    rows = [[t(f"daily.owner.{kind}"), str(report.owners.get(kind, 0))] for kind in OWNER_CLASSES]
    return [*rows, [t("daily.total"), str(report.owners_total)]]


def move_header() -> list[str]:
    return [t("daily.col.time"), t("daily.col.name"), t("daily.was"), t("daily.now")]


def move_rows(report: DailyReport) -> list[list[str]]:
    """The day's level changes: time, customer, 原来, 现在."""
    return [
        [move.at[11:16], move.name or rules.format_phone(move.phone), move.from_level or "—",
         move.to_text or "—"]
        for move in report.moves
    ]  # fmt: skip


def plan_header() -> list[str]:
    return [t(f"daily.plan_col.{key}") for key in PLAN_COLUMNS]


def plan_rows(report: DailyReport) -> list[list[str]]:
    return [
        [item.due, str(item.overdue_days or ""), item.level, item.name,
         rules.format_phone(item.phone), item.model]
        for item in report.plan
    ]  # fmt: skip


def signoff_line(report: DailyReport, earlier: bool = True) -> str:
    """签核：陈静 2026-11-25 09:00, or that it waits for one; signed again after a
    correction, the earlier signatures after it (unless ``earlier`` is False: a title)."""
    if report.signoff is None:
        return t("daily.unsigned")
    signoff = report.signoff
    line = t("daily.signed", signer=signoff.signer, at=signoff.signed_at[:16])
    if not earlier or not signoff.earlier:
        return line
    before = t("daily.earlier_separator").join(
        t("daily.earlier_one", signer=one.signer, at=one.signed_at[:16]) for one in signoff.earlier
    )
    return t("daily.resigned", signed=line, earlier=before)


def instructions_text(report: DailyReport) -> str:
    if report.signoff is None or not report.signoff.instructions:
        return "—"
    return report.signoff.instructions


def _row_text(row: ReportRow) -> str:
    return f"{row.at[11:16]} {row.name or rules.format_phone(row.phone)} {row.method_label}"


def _value(name: str, value: str, row: ReportRow) -> str:
    """A record's field as signed or as now, in words."""
    if name == "purpose":
        return t(f"contacts.purpose.{value or 'none'}")
    if name == "method":
        return t(f"contacts.method.{value}" if row.kind == CONTACT else f"kind.{value}")
    if name == "at":
        return value[:16]
    if name == "customer_id":
        return f"#{value}"
    return value or "—"


def amendment_text(amendment: Amendment) -> str:
    """One amendment after the signature, in a sentence."""
    if amendment.move is not None:
        move = amendment.move
        return t(
            f"daily.amend.move_{amendment.what}",
            name=move.name or rules.format_phone(move.phone),
            old=move.from_level or "—",
            new=move.to_text or "—",
        )
    row = amendment.row
    assert row is not None  # an amendment is of a row or of a level change
    if amendment.what != "changed":
        return t(f"daily.amend.{amendment.what}", row=_row_text(row))
    changes = "；".join(
        t(
            "daily.amend.change",
            field=t(f"daily.field.{name}"),
            old=_value(name, old, row),
            new=_value(name, new, row),
        )
        for name, old, new in amendment.changes
    )
    return t("daily.amend.changed", row=_row_text(row), changes=changes)


def amendment_lines(report: DailyReport) -> list[str]:
    """The amendments after the signature (nothing while it is unsigned or unchanged)."""
    if not report.amendments:
        return []
    return [t("daily.amended", count=len(report.amendments))] + [
        f"  {amendment_text(amendment)}" for amendment in report.amendments
    ]
