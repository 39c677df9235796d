"""What the receptionist typed on the registration form, and its validation.

``clean`` checks every field at once and raises a ValidationError naming each bad field by
the form's widget id (``party-size``), so the form shows each message beside its field and
the CLI and the importer print them; the values it returns are what gets stored.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from frontdesk import bounds, clock, rules
from frontdesk.errors import ValidationError
from frontdesk.i18n import t
from frontdesk.people import team
from frontdesk.store import codes
from frontdesk.store.models import Staff


@dataclass
class RegistrationInput:
    """What the receptionist typed, field ids as on the form. Text is validated by ``clean``."""

    kind: str = "walkin"
    time_in: dt.datetime | str | None = None
    time_out: dt.datetime | str | None = None
    phone: str = ""
    name: str = ""
    gender: str = ""
    party_size: int | str = 1
    model: str = ""
    colour: str = ""
    channel: str = ""
    level: str | None = ""
    consultant: str = ""  # a staff name or login; blank: the proposed consultant
    test_drive: bool = False
    quote: bool = False
    ordered: bool = False
    notes: str = ""


@dataclass
class CleanRegistration:
    kind: str
    time_in: dt.datetime
    time_out: dt.datetime | None
    phone: str | None
    name: str
    gender: str
    party_size: int
    model: str
    colour: str
    channel: str
    level: str | None
    consultant: Staff | None
    test_drive: bool
    quote: bool
    ordered: bool
    notes: str
    errors: dict[str, str] = field(default_factory=dict)


def parse_moment(value, default_day: dt.date) -> dt.datetime:
    """A typed time (HH:MM on ``default_day``, or a full date and time), to the second."""
    if isinstance(value, dt.datetime):
        return value.replace(microsecond=0)
    return rules.parse_time_of_day(str(value), default_day)


def check_phone(raw: str) -> tuple[str | None, str | None]:
    """A typed phone: (the number as stored, None) or (None, the error); blank is no phone."""
    if not (raw or "").strip():
        return None, None
    phone = rules.normalise_phone(raw)
    if phone is not None:
        return phone, None
    if rules.phone_has_letters(raw):
        return None, t("error.phone_letters")
    return None, t("error.phone")


def check_party_size(raw: object) -> tuple[int, str | None]:
    """A typed party size (人数): (the number, None) or (1, the error); blank is 1."""
    text = str(raw if raw is not None else "").strip()
    try:
        size = int(text or 1)
    except ValueError:
        return 1, t("error.party_size", max=rules.MAX_PARTY)
    if not 1 <= size <= rules.MAX_PARTY:
        return 1, t("error.party_size", max=rules.MAX_PARTY)
    return size, None


# The fields the form checks as they are typed, with no database: the same checks ``clean``
# makes, so that the form and the core never disagree about what is valid.
TYPED_FIELDS = ("phone", "party-size", "time-in", "time-out")


def field_error(field_id: str, raw: str, day: dt.date | None = None) -> str | None:
    """The error of one field as typed (one of ``TYPED_FIELDS``), or None."""
    if field_id == "phone":
        return check_phone(raw)[1]
    if field_id == "party-size":
        return check_party_size(raw)[1]
    if field_id in ("time-in", "time-out") and (raw or "").strip():
        try:
            parse_moment(raw, day or clock.today())
        except ValueError:
            return t("error.time")
    return None


def clean(
    data: RegistrationInput,
    *,
    today: dt.date | None = None,
    kept: Mapping[str, str] | None = None,
) -> CleanRegistration:
    """Validate every field at once; raises ValidationError naming each bad field.

    ``kept``: the model and channel the row being corrected already has, taken even when
    that code has been retired since (``store.codes``): a retired code stays on its rows.
    """
    errors: dict[str, str] = {}
    day = today or clock.today()

    kind = data.kind if data.kind in rules.KINDS else None
    if kind is None:
        errors["kind"] = t("error.kind")

    now = clock.now()
    time_in = now
    if data.time_in not in (None, ""):
        try:
            time_in = parse_moment(data.time_in, day)
        except ValueError:
            errors["time-in"] = t("error.time")
        else:
            if rules.is_future(time_in, now):
                errors["time-in"] = t("error.future")
            elif time_in.date() < bounds.FIRST_DAY:
                errors["time-in"] = t("error.too_early", first=bounds.FIRST_DAY.isoformat())
    time_out = None
    if data.time_out not in (None, ""):
        try:
            time_out = parse_moment(data.time_out, time_in.date())
        except ValueError:
            errors["time-out"] = t("error.time")
        else:
            if kind == "phone":
                errors["time-out"] = t("error.phone_no_time_out")
            elif time_out < time_in:
                errors["time-out"] = t("error.out_before_in")
            elif rules.is_future(time_out, now):
                errors["time-out"] = t("error.future")

    phone, error = check_phone(data.phone)
    if error:
        errors["phone"] = error

    texts = {}
    for key, value, limit in (
        ("name", data.name, rules.MAX_NAME),
        ("colour", data.colour, rules.MAX_TEXT),
        ("notes", data.notes, rules.MAX_NOTES),
        ("model", data.model, rules.MAX_TEXT),
        ("channel", data.channel, rules.MAX_TEXT),
        ("consultant", data.consultant, rules.MAX_TEXT),
    ):
        try:
            texts[key] = rules.clean_text(value, limit)
        except ValueError:
            errors[key] = t("error.too_long", limit=limit)
            texts[key] = ""

    gender = (data.gender or "").strip().upper()[:1]
    gender = {"男": "M", "女": "F"}.get((data.gender or "").strip(), gender)
    if gender not in rules.GENDERS:
        errors["gender"] = t("error.gender")

    party_size, error = check_party_size(data.party_size)
    if error:
        errors["party-size"] = error

    level = None
    try:
        level = rules.normalise_level(data.level)
    except ValueError:
        errors["level"] = t("error.level")

    for key, kind_name in (("model", codes.MODEL), ("channel", codes.CHANNEL)):
        if texts[key] and key not in errors:
            known = codes.names(kind_name)
            if texts[key] not in known and texts[key] != (kept or {}).get(key):
                matches = rules.choice_matches(texts[key], known)
                if len(matches) == 1:
                    texts[key] = matches[0]
                else:
                    errors[key] = t(f"error.unknown_{key}", value=texts[key])

    consultant = None
    if texts["consultant"] and "consultant" not in errors:
        consultant = team.find_staff(texts["consultant"])
        if consultant is None or not consultant.active:
            errors["consultant"] = t("error.no_staff", name=texts["consultant"])
        elif consultant.role not in team.RECEIVING_ROLES:
            errors["consultant"] = t("error.not_consultant", name=consultant.name)

    if errors:
        raise ValidationError(errors)
    return CleanRegistration(
        kind=kind,
        time_in=time_in,
        time_out=time_out,
        phone=phone,
        name=texts["name"],
        gender=gender,
        party_size=party_size if kind == "walkin" else 1,
        model=texts["model"],
        colour=texts["colour"],
        channel=texts["channel"],
        level=level,
        consultant=consultant,
        test_drive=bool(data.test_drive),
        quote=bool(data.quote),
        ordered=bool(data.ordered),
        notes=texts["notes"],
    )
