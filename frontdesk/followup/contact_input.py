"""What is typed on the follow-up dialogs, and its validation (意向客户跟进的录入).

- a contact (接触记录): how (电话 / 拜访 / 来店 / 短信·微信), what for (访问目的: 促进 / 手续 /
  管理 / 开拓, blank: not stated), when, the account of it (访问经过),
  the level after it — a level changes only through a contact — an agreed next date (约定日期:
  ``YYYY-MM-DD``, ``MM-DD`` or ``+N`` days, from the contact's day to a year after it), the
  customer's 来源区分 (1–7, blank: unchanged) and, for a manager, who made it;
- a close (关闭线索): 成交 deal, 战败 defeat (the competitor bought and a reason required) or 失控
  lost (a reason required), of an open intent customer;
- a reassignment (转交): the active consultant who takes the customer over.

Each ``clean_*`` checks every field at once and raises a ValidationError naming each bad
field by the dialog's widget id (``next``), so the dialog shows each message beside its
field and the CLI prints them; the values it returns are what gets stored. ``field_error``
checks one field as it is typed with the same rules, so the dialog and the core never
disagree. Full-width digits and punctuation from a Chinese input method read as ASCII.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from frontdesk import bounds, clock, rules
from frontdesk.errors import ValidationError
from frontdesk.i18n import t
from frontdesk.people import team
from frontdesk.store.models import Customer, Staff

CLOSE_OUTCOMES = ("deal", "defeat", "lost")
MAX_COMPETITOR = 60
# An agreed next contact (约定下次接触) lies within a year of the contact it was agreed at.
AGREED_WITHIN = bounds.YEAR_AHEAD
NEXT_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d")


@dataclass
class ContactInput:
    """A contact as typed (dialog or CLI), field ids as on the dialog; ``clean_contact``
    validates it."""

    method: str = "call"
    at: dt.datetime | str | None = None  # blank: now
    account: str = ""  # 访问经过
    level: str | None = ""  # the level after the contact; blank: unchanged
    next_date: dt.date | str | None = None  # agreed next contact, overrides the cadence
    source: int | str | None = ""  # 来源区分 1–7; blank: the customer's stays
    purpose: str | None = ""  # 访问目的 (rules.CONTACT_PURPOSES); blank: not stated
    # Who made it (name or login): only a manager (or the operator) names someone else.
    # Blank: the signed-in consultant or manager; at the desk or the operator's CLI, the
    # customer's consultant.
    staff: str = ""


@dataclass(frozen=True)
class CleanContact:
    method: str
    at: dt.datetime
    account: str
    level: str  # the level after the contact (the customer's own when none was typed)
    next_date: dt.date | None
    staff: Staff | None  # the member named as having made it; None: nobody was named
    source: int  # 来源区分 after the contact (the customer's own when none was typed)
    purpose: str = ""  # 访问目的, "" when not stated


@dataclass
class CloseInput:
    """A close as typed: the outcome and, for a defeat or a lost customer, why."""

    outcome: str = ""
    reason: str = ""
    competitor: str = ""  # 战败: the brand/model bought instead
    at: dt.datetime | str | None = None  # when it was decided; blank: now


@dataclass(frozen=True)
class CleanClose:
    outcome: str
    reason: str
    competitor: str  # as typed: the customer keeps it for a defeat only
    at: dt.datetime


def parse_next_date(raw: str | dt.date | None, day: dt.date) -> dt.date | None:
    """An agreed next date: ``YYYY-MM-DD``, ``MM-DD`` (the next such day) or ``+N`` days
    after ``day``; blank is None. Raises ValueError for anything else."""
    if isinstance(raw, dt.date):
        return raw
    text = rules.fold_width(raw).strip()
    if not text:
        return None
    if match := re.fullmatch(r"\+(\d{1,3})", text):
        return day + dt.timedelta(days=int(match[1]))
    for fmt in NEXT_DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            pass
    if match := re.fullmatch(r"(\d{1,2})[-/.月](\d{1,2})日?", text):
        month, day_of_month = int(match[1]), int(match[2])
        candidate = dt.date(day.year, month, day_of_month)  # ValueError for 02-30
        if candidate < day:
            candidate = dt.date(day.year + 1, month, day_of_month)
        return candidate
    raise ValueError(text)


# -- one field at a time --------------------------------------------------------------------


def check_method(raw: str | None) -> tuple[str, str | None]:
    """How the contact was made: (the method, None) or ("", the error)."""
    method = rules.fold_width(raw).strip().lower()
    if method not in rules.CONTACT_METHODS:
        return "", t("contacts.error.method")
    return method, None


def check_purpose(raw: str | None) -> tuple[str, str | None]:
    """What the contact was for (促进 / 手续 / 管理 / 开拓, typed as the English word or the
    Chinese one; blank: not stated): (the purpose or "", None) or ("", the error)."""
    text = rules.fold_width(raw).strip().lower()
    if not text:
        return "", None
    if text in rules.CONTACT_PURPOSES:
        return text, None
    for purpose in rules.CONTACT_PURPOSES:
        if text == t(f"contacts.purpose.{purpose}"):
            return purpose, None
    return "", t("contacts.error.purpose")


def check_at(raw: dt.datetime | str | None, now: dt.datetime) -> tuple[dt.datetime, str | None]:
    """When the contact was made (HH:MM today, or a full date and time; blank: now):
    (the moment, to the second, None) or (now, the error)."""
    if raw in (None, ""):
        return now, None
    try:
        at = (
            raw.replace(microsecond=0)
            if isinstance(raw, dt.datetime)
            else rules.parse_time_of_day(str(raw), now.date())
        )
    except ValueError:
        return now, t("error.time")
    if rules.is_future(at, now):
        return now, t("error.future")
    if at.date() < bounds.FIRST_DAY:
        return now, t("error.too_early", first=bounds.FIRST_DAY.isoformat())
    return at, None


def check_next(raw: str | dt.date | None, day: dt.date) -> tuple[dt.date | None, str | None]:
    """The agreed next date of a contact made on ``day``: (the date or None, None) or
    (None, the error)."""
    try:
        next_date = parse_next_date(raw, day)
    except ValueError:
        return None, t("contacts.error.next_date")
    if next_date is None:
        return None, None
    if next_date < day:
        return None, t("contacts.error.next_before")
    latest = day + AGREED_WITHIN
    if next_date > latest:
        return None, t("contacts.error.next_too_far", last=latest.isoformat())
    return next_date, None


def check_text(raw: str | None, limit: int) -> tuple[str, str | None]:
    """Free text as stored: (the text, None) or ("", the error)."""
    try:
        return rules.clean_text(raw, limit), None
    except ValueError:
        return "", t("error.too_long", limit=limit)


def check_source(raw: int | str | None) -> tuple[int | None, str | None]:
    """A typed 来源区分: (1–7, or None for blank, None) or (None, the error)."""
    try:
        return rules.normalise_source(raw), None
    except ValueError:
        return None, t("error.source")


# The fields the contact dialog checks as they are typed, with no database: the same checks
# ``clean_contact`` makes.
TYPED_FIELDS = ("at", "next", "source")


def field_error(
    field_id: str, raw: str, at: dt.datetime | str | None = None, now: dt.datetime | None = None
) -> str | None:
    """The error of one field of the contact dialog as typed (one of ``TYPED_FIELDS``), or
    None. The agreed date is read against the day of ``at``, the contact's time as typed."""
    now = now or clock.now()
    if field_id == "at":
        return check_at(raw, now)[1]
    if field_id == "next":
        return check_next(raw, check_at(at, now)[0].date())[1]
    if field_id == "source":
        return check_source(raw)[1]
    return None


# -- a whole dialog ---------------------------------------------------------------------------


def clean_contact(
    data: ContactInput, customer: Customer, *, now: dt.datetime | None = None
) -> CleanContact:
    """Validate every field of a contact with ``customer`` at once; raises ValidationError
    naming each bad field. Whether the signed-in member may name ``staff`` is the
    service's to check."""
    errors: dict[str, str] = {}
    now = now or clock.now()
    method, error = check_method(data.method)
    if error:
        errors["method"] = error
    purpose, error = check_purpose(data.purpose)
    if error:
        errors["purpose"] = error
    at, error = check_at(data.at, now)
    if error:
        errors["at"] = error
    account, error = check_text(data.account, rules.MAX_NOTES)
    if error:
        errors["account"] = error
    level = customer.level
    try:
        level = rules.normalise_level(data.level) or customer.level
    except ValueError:
        errors["level"] = t("error.level")
    if level is None and "level" not in errors:
        errors["level"] = t("contacts.error.level_required")
    next_date, error = check_next(data.next_date, at.date())
    if error:
        errors["next"] = error
    source, error = check_source(data.source)
    if error:
        errors["source"] = error
    named = None
    if (data.staff or "").strip():
        named = team.find_staff(data.staff)
        if named is None or not named.active:
            errors["staff"] = t("error.no_staff", name=data.staff.strip())
    if errors:
        raise ValidationError(errors)
    return CleanContact(
        method=method,
        at=at,
        account=account,
        level=level or "",
        next_date=next_date,
        staff=named,
        source=source or customer.source,
        purpose=purpose,
    )


def clean_close(data: CloseInput, customer: Customer) -> CleanClose:
    """Validate a close of ``customer`` at once; raises ValidationError naming each bad
    field (a customer who is not open is refused on the outcome)."""
    errors: dict[str, str] = {}
    outcome = rules.fold_width(data.outcome).strip().lower()
    if outcome not in CLOSE_OUTCOMES:
        errors["outcome"] = t("contacts.error.outcome")
    reason, error = check_text(data.reason, rules.MAX_NOTES)
    if error:
        errors["reason"] = error
    competitor, error = check_text(data.competitor, MAX_COMPETITOR)
    if error:
        errors["competitor"] = error
    if outcome in ("defeat", "lost") and not reason and "reason" not in errors:
        errors["reason"] = t("contacts.error.reason_required")
    if outcome == "defeat" and not competitor and "competitor" not in errors:
        errors["competitor"] = t("contacts.error.competitor_required")
    if customer.level is None:
        errors["outcome"] = t("contacts.error.not_open", name=customer.name or customer.phone)
    at, error = check_at(data.at, clock.now())
    if error:
        errors["at"] = error
    if errors:
        raise ValidationError(errors)
    return CleanClose(outcome=outcome, reason=reason, competitor=competitor, at=at)


def clean_moment(raw: dt.datetime | str | None) -> dt.datetime:
    """When a reassignment (or another decision) happened: blank is now; a ValidationError
    on ``at`` when it is ahead of now or before the first day a store can hold."""
    at, error = check_at(raw, clock.now())
    if error:
        raise ValidationError({"at": error})
    return at


def clean_consultant(consultant: str | Staff) -> Staff:
    """The active consultant (or manager) a customer is given to, by name or login; a
    ValidationError on ``consultant`` otherwise."""
    member = consultant if isinstance(consultant, Staff) else team.find_staff(consultant)
    if member is None or member.id not in {m.id for m in team.consultants()}:
        name = consultant.name if isinstance(consultant, Staff) else consultant
        raise ValidationError({"consultant": t("contacts.error.not_consultant", name=name)})
    return member
