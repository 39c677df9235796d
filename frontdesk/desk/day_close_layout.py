"""The close-out of a day (``desk.day_close``) in words: where it stands, its figures, its
amendments — the same sentences on the screen and on the command line."""

from __future__ import annotations

from frontdesk.desk import day_close, fields
from frontdesk.i18n import t


def status_line(state: day_close.DayCloseout) -> str:
    """Where the day's close stands, in one sentence (the screen's status line too)."""
    close = state.close
    if close is None:
        return t("close.status.open", date=state.day.isoformat())
    closed = t("close.status.closed", who=close.closed_by, at=close.closed_at[:16])
    if state.amendments:
        return closed + t("close.status.amended", count=len(state.amendments))
    if close.confirmed:
        return closed + t(
            "close.status.confirmed", who=close.confirmed_by, at=close.confirmed_at[:16]
        )
    return closed + t("close.status.unconfirmed")


def counts_line(state: day_close.DayCloseout) -> str:
    figures = state.counts
    return t(
        "close.counts",
        walkins=figures.walkins,
        calls=figures.calls,
        open=figures.open,
        left=figures.left_unrecorded,
        incomplete=figures.incomplete,
    )


def amendment_text(amendment: day_close.Amendment) -> str:
    """One amendment after the close: #3 10:05 张三 · 离店时间 10:30 → 11:00."""
    head = t(
        "close.amend.head",
        number=amendment.number,
        time=amendment.time_in[11:16],
        name=amendment.name or t("close.anonymous"),
    )
    if amendment.what != "changed":
        return f"{head} · {t(f'close.amend.{amendment.what}')}"
    shown = amendment.changes
    if any(name == "time_out" for name, _, _ in shown):  # a time out replaces the mark
        shown = tuple(change for change in shown if change[0] != "left_unrecorded")
    changes = t("close.list_sep").join(
        t("close.amend.change", field=_field_label(name), then=_value(then), now=_value(now))
        for name, then, now in shown
    )
    return f"{head} · {changes}"


def _field_label(name: str) -> str:
    if name == "left_unrecorded":
        return t("close.left_field")
    return fields.named(name).label_text()


def _value(text: str) -> str:
    """A frozen value as the user reads it: a time as HH:MM, yes or no, — for none."""
    if text in ("True", "False"):
        return t("key.yes") if text == "True" else t("key.no")
    if len(text) == 19 and text[10] == " ":  # "YYYY-MM-DD HH:MM:SS"
        return text[11:16]
    return text or "—"


def log_mark(state: day_close.DayCloseout) -> str:
    """The close in a few words, for the log's title: 已结账（赵敏 18:02），主管已确认."""
    close = state.close
    if close is None:
        return ""
    mark = t("close.log_closed", who=close.closed_by, time=close.closed_at[11:16])
    if state.amendments:
        return mark + t("close.log_amended")
    return mark + t("close.log_confirmed") if close.confirmed else mark
