"""What the receptionist typed on the registration form, and its validation.

``clean`` checks every field at once, each as its type in the field table
(``frontdesk.desk.fields``) says — text within its limit, a choice on its list, a count
in its range — and raises a ValidationError naming each bad field by its name
(``party_size``), with its label, so the form shows each message beside its field and the
CLI and the importer print them; the values it returns are what gets stored. Written out
here is only what no type says: the rules of time in and time out (来店/离店时间), the code
lists and the consultant, read from the store.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from frontdesk import bounds, clock, rules
from frontdesk.desk.fields import FIELDS, FieldTable, FieldValues, RegistrationField, named
from frontdesk.desk.fields import ValueType as Type
from frontdesk.desk.fields import labels as field_labels
from frontdesk.errors import ValidationError
from frontdesk.i18n import t
from frontdesk.people import team
from frontdesk.store import codes
from frontdesk.store.models import Staff

TIME_IN, TIME_OUT = "time_in", "time_out"
# The types the form checks as they are typed, with no database: by the same functions
# ``clean`` uses, so that the form and the core never disagree about what is valid.
TYPED_TYPES = (Type.PHONE, Type.COUNT, Type.MOMENT, Type.SOURCE)


class RegistrationInput(FieldValues):
    """What the receptionist typed, one attribute per field of the table (blank where
    nothing was typed). Text is validated by ``clean``."""

    def __init__(self, **values: Any) -> None:
        super().__init__(FIELDS, values)


class CleanRegistration(FieldValues):
    """The values ``clean`` accepted, as they are stored (``consultant``: the Staff)."""

    def __init__(self, **values: Any) -> None:
        super().__init__(FIELDS, values)


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


def check_count(field: RegistrationField, raw: object) -> tuple[int, str | None]:
    """A typed count (人数): (the number, None) or (the default, the error); blank is the
    default."""
    text = str(raw if raw is not None else "").strip()
    refusal = t(field.message, max=field.most)
    try:
        number = int(text or field.default)
    except ValueError:
        return field.default, refusal
    if not 1 <= number <= field.most:
        return field.default, refusal
    return number, None


def check_source(field: RegistrationField, raw: object) -> tuple[int | None, str | None]:
    """A typed 来源区分: (1–7 or None for blank, None) or (None, the error)."""
    try:
        return rules.normalise_source(raw), None
    except ValueError:
        return None, t(field.message)


def field_error(
    name: str, raw: str, day: dt.date | None = None, fields: FieldTable = FIELDS
) -> str | None:
    """The error of one field as typed (of one of ``TYPED_TYPES``), or None."""
    field = named(name, fields)
    if field.type is Type.PHONE:
        return check_phone(raw)[1]
    if field.type is Type.COUNT:
        return check_count(field, raw)[1]
    if field.type is Type.SOURCE:
        return check_source(field, raw)[1]
    if field.type is Type.MOMENT and (raw or "").strip():
        try:
            parse_moment(raw, day or clock.today())
        except ValueError:
            return t("error.time")
    return None


def unknown_choice(field: RegistrationField, value: str) -> str:
    """The sentence refusing a name not on the field's list (a model, a consultant)."""
    if field.type is Type.STAFF:
        return t("error.no_staff", name=value)
    return t(field.message, value=value)


class _Refused(Exception):
    """A field's value refused: the sentence, and the value the other fields go on with."""

    def __init__(self, message: str, value: object = None) -> None:
        super().__init__(message)
        self.message = message
        self.value = value


def _text(field: RegistrationField, raw: object) -> str:
    try:
        return rules.clean_text(raw, field.max_length)  # type: ignore[arg-type]
    except ValueError:
        raise _Refused(t("error.too_long", limit=field.max_length), "") from None


def _moment(
    field: RegistrationField, raw: object, values: dict, day: dt.date, now: dt.datetime
) -> dt.datetime | None:
    """Time in: blank is now, not in the future, not before the first day. Time out: on
    the day of time in, not before it, never for a call. Any time: not in the future."""
    blank = raw is None or raw == ""
    if field.name == TIME_IN:
        if blank:
            return now
        try:
            moment = parse_moment(raw, day)
        except ValueError:
            raise _Refused(t("error.time"), now) from None
        if rules.is_future(moment, now):
            raise _Refused(t("error.future"), moment)
        if moment.date() < bounds.FIRST_DAY:
            raise _Refused(t("error.too_early", first=bounds.FIRST_DAY.isoformat()), moment)
        return moment
    if blank:
        return None
    time_in = values.get(TIME_IN) or now
    try:
        moment = parse_moment(raw, time_in.date())
    except ValueError:
        raise _Refused(t("error.time")) from None
    if field.name == TIME_OUT:
        if values.get("kind") == "phone":
            raise _Refused(t("error.phone_no_time_out"))
        if moment < time_in:
            raise _Refused(t("error.out_before_in"))
    if rules.is_future(moment, now):
        raise _Refused(t("error.future"))
    return moment


def _gender(field: RegistrationField, raw: object) -> str:
    typed = str(raw or "").strip()
    gender = {"男": "M", "女": "F"}.get(typed, typed.upper()[:1])
    if gender not in rules.GENDERS:
        raise _Refused(t(field.message))
    return gender


class Lookups:
    """Where ``clean`` reads the code lists and the staff: the store, at every call."""

    def names(self, kind: str) -> list[str]:
        return codes.names(kind)

    def staff(self, name_or_login: str) -> Staff | None:
        return team.find_staff(name_or_login)


class KeptLookups(Lookups):
    """The same, each answer read once and kept: for checking many rows against lists
    that do not change meanwhile (an import's rows, checked before any is stored)."""

    def __init__(self) -> None:
        self._names: dict[str, list[str]] = {}
        self._staff: dict[str, Staff | None] = {}

    def names(self, kind: str) -> list[str]:
        if kind not in self._names:
            self._names[kind] = super().names(kind)
        return self._names[kind]

    def staff(self, name_or_login: str) -> Staff | None:
        if name_or_login not in self._staff:
            self._staff[name_or_login] = super().staff(name_or_login)
        return self._staff[name_or_login]


LIVE = Lookups()  # the lists and the staff as they are at each call


def _code(field: RegistrationField, raw: object, kept: Mapping[str, str], lookups: Lookups) -> str:
    """A name on the field's code list: as typed, or the one name the typing picks out;
    or the name the row being corrected already has (``kept``), retired or not."""
    text = _text(field, raw)
    if text and text != kept.get(field.name):
        known = lookups.names(field.codes)
        if text not in known:
            matches = rules.choice_matches(text, known)
            if len(matches) != 1:
                raise _Refused(unknown_choice(field, text), "")
            text = matches[0]
    return text


def _consultant(field: RegistrationField, raw: object, lookups: Lookups) -> Staff | None:
    """The active member of staff who receives customers, by name or login; or None."""
    text = _text(field, raw)
    if not text:
        return None
    consultant = lookups.staff(text)
    if consultant is None or not consultant.active:
        raise _Refused(unknown_choice(field, text))
    if consultant.role not in team.RECEIVING_ROLES:
        raise _Refused(t("error.not_consultant", name=consultant.name))
    return consultant


def _level(field: RegistrationField, raw: object) -> str | None:
    try:
        return rules.normalise_level(raw)  # type: ignore[arg-type]
    except ValueError:
        raise _Refused(t(field.message)) from None


def _kind(field: RegistrationField, raw: object) -> str | None:
    if raw not in rules.KINDS:
        raise _Refused(t(field.message))
    return raw


def _cleaned(
    field: RegistrationField,
    raw: object,
    values: dict,
    day: dt.date,
    now: dt.datetime,
    kept: Mapping[str, str],
    lookups: Lookups,
) -> object:
    """One field's value as stored, by its type; raises _Refused."""
    match field.type:
        case Type.KIND:
            return _kind(field, raw)
        case Type.MOMENT:
            return _moment(field, raw, values, day, now)
        case Type.PHONE:
            phone, error = check_phone(str(raw or ""))
            if error:
                raise _Refused(error)
            return phone
        case Type.TEXT:
            return _text(field, raw)
        case Type.COUNT:
            number, error = check_count(field, raw)
            if error:
                raise _Refused(error, number)
            return number
        case Type.GENDER:
            return _gender(field, raw)
        case Type.CODE:
            return _code(field, raw, kept, lookups)
        case Type.LEVEL:
            return _level(field, raw)
        case Type.SOURCE:
            source, error = check_source(field, raw)
            if error:
                raise _Refused(error)
            return source
        case Type.STAFF:
            return _consultant(field, raw, lookups)
        case Type.YES_NO:
            return bool(raw)
    raise AssertionError(field.type)


def clean(
    data: RegistrationInput,
    *,
    today: dt.date | None = None,
    kept: Mapping[str, str] | None = None,
    lookups: Lookups = LIVE,
) -> CleanRegistration:
    """Validate every field at once; raises ValidationError naming each bad field.

    ``kept``: the model and channel the row being corrected already has, taken even when
    that code has been retired since (``store.codes``): a retired code stays on its rows.
    ``lookups``: where the code lists and the staff are read (``KeptLookups``: once).
    """
    errors: dict[str, str] = {}
    values: dict[str, object] = {}
    day = today or clock.today()
    now = clock.now()
    for field in data.fields:  # in the table's order: kind and time in come first
        try:
            values[field.name] = _cleaned(
                field, getattr(data, field.name), values, day, now, kept or {}, lookups
            )
        except _Refused as refused:
            errors[field.name] = refused.message
            values[field.name] = refused.value
    if errors:
        raise ValidationError(errors, labels=field_labels(errors, data.kind, data.fields))
    if values["kind"] != "walkin":
        values["party_size"] = 1  # a call is one person
    elif values.get("ordered"):
        values["level"] = "O"  # an order taken (订车) makes the customer O until delivery
    return CleanRegistration.with_fields(data.fields, **values)
