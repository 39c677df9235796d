"""The business rules of the front desk, free of any storage or screen.

- Phone numbers identify customers: they are normalised (``+86 138-1234-5678`` →
  ``13812345678``) so the same customer is found however the number is typed; one with
  letters in it is refused (never read as keypad digits).
- Intent levels (意向级别): O order not yet delivered, H within 7 days, A 7–15 days,
  B 15 days–1 month, C 1–3 months; each has a follow-up interval in days.
- Logins are ASCII, by default the pinyin of the name (王磊 → wanglei).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

DEFAULT_REGION = "CN"
KINDS = ("walkin", "phone")
VISITS = ("first", "returning")
LEVELS = ("O", "H", "A", "B", "C")
GENDERS = ("", "M", "F")
ROLES = ("receptionist", "consultant", "manager", "admin")
CONTACT_METHODS = ("call", "visit", "walkin", "message")
CUSTOMER_CLASSES = (
    "potential",
    "base",
    "intent",
    "defeated",
    "vip",
    "own_sold",
    "other_sold",
    "other_brand",
)
SOURCES = (1, 2, 3, 4, 5, 6, 7)
SOURCE_WALKIN_PHONE = 4
FOLLOW_UP_DAYS = {"O": 7, "H": 2, "A": 3, "B": 7, "C": 14}

DATETIME_FORMATS = tuple(
    f"%Y{sep}%m{sep}%d{between}%H:%M{seconds}"
    for sep in ("-", "/")
    for between in (" ", "T")
    for seconds in ("", ":%S")
)
FUTURE_TOLERANCE = dt.timedelta(minutes=5)  # clocks of two terminals never agree exactly

MAX_NAME = 40
MAX_TEXT = 60
MAX_NOTES = 500
MAX_PARTY = 99
MAX_PHONE_INPUT = 32


def normalise_phone(raw: str, region: str = DEFAULT_REGION) -> str | None:
    """The canonical form of a phone number, or None if it is not a valid number.

    Chinese numbers keep their national digits (mobiles ``13812345678``, landlines with the
    area code ``01012345678``); others are E.164 (``+85291234567``).
    """
    import phonenumbers  # 0.1 s of metadata: loaded when first needed, not at start-up

    text = (raw or "").strip()
    if not text or len(text) > MAX_PHONE_INPUT or phone_has_letters(text):
        return None
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    # An extension ("ext 9", "x9", "转 9") names a desk behind a switchboard, not a customer:
    # refused, so that the number kept is always one that reads back as itself.
    if number.extension or not phonenumbers.is_valid_number(number):
        return None
    if number.country_code == phonenumbers.country_code_for_region(region):
        national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
        return re.sub(r"\D", "", national)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_has_letters(raw: str | None) -> bool:
    """Whether typed phone text holds letters (of any script). phonenumbers reads keypad
    letters as digits (``1391234abcd`` → ``13912342223``): a number nobody gave, so a
    phone with letters is refused, never converted."""
    return any(unicodedata.category(ch).startswith("L") for ch in raw or "")


def format_phone(phone: str | None) -> str:
    """A stored phone number grouped for reading: ``138 1234 5678``."""
    if not phone:
        return ""
    if len(phone) == 11 and phone.startswith("1"):
        return f"{phone[:3]} {phone[3:7]} {phone[7:]}"
    return phone


def normalise_level(raw: str | None) -> str | None:
    """``h`` → ``H``; blank → None. Raises ValueError for anything else."""
    text = (raw or "").strip().upper()
    if not text or text in {"-", "—", "NONE"}:
        return None
    if text not in LEVELS:
        raise ValueError(text)
    return text


def follow_up_due(last_contact: dt.date, level: str | None, intervals=None) -> dt.date | None:
    """The day the next follow-up is due: the last contact plus the level's interval."""
    if level is None:
        return None
    days = (intervals or FOLLOW_UP_DAYS)[level]
    return last_contact + dt.timedelta(days=days)


def clean_text(raw: str | None, limit: int) -> str:
    """User text as stored: control characters (and so terminal escapes) dropped, trimmed.

    Raises ValueError when the text is longer than ``limit`` characters.
    """
    text = "".join(
        ch if unicodedata.category(ch)[0] != "C" or ch in "\n\t" else "" for ch in (raw or "")
    )
    text = text.replace("\t", " ").strip()
    if len(text) > limit:
        raise ValueError(limit)
    return text


def pinyin_initials(name: str) -> str:
    """The pinyin initials of a name, for search: 张三 → ``zs``; latin letters kept."""
    from pypinyin import Style, lazy_pinyin  # its dictionaries: imported when first needed

    parts = lazy_pinyin(name or "", style=Style.FIRST_LETTER, errors="default")
    words = (re.sub(r"[^0-9A-Za-z]+", " ", part).split() for part in parts)
    return "".join(word[0] for split in words for word in split).lower()


def pinyin_span(query: str, name: str) -> list[int] | None:
    """Where in ``name`` the pinyin initials of its Chinese characters read ``query``: the
    positions of those characters (``tj`` in 展厅统计 → [2, 3]), the first such run; None when
    they do not. What the command palette finds a command by, besides its words."""
    from pypinyin import Style, lazy_pinyin

    text = (query or "").strip().casefold()
    if not text or not text.isascii() or not text.isalpha():
        return None
    # One element per character: a Chinese character's initial, any other character itself.
    name = name or ""
    letters = lazy_pinyin(name, style=Style.FIRST_LETTER, errors=lambda chars: list(chars))
    pairs = enumerate(zip(letters, name, strict=True))
    chinese = [(i, letter) for i, (letter, ch) in pairs if letter != ch]
    initials = "".join(letter for _, letter in chinese).casefold()
    start = initials.find(text)
    if start < 0:
        return None
    return [i for i, _ in chinese[start : start + len(text)]]


def pinyin_full(name: str) -> str:
    """The full pinyin of a name without tones: 王磊 → ``wanglei``."""
    from pypinyin import lazy_pinyin

    return "".join(lazy_pinyin(name or "", errors="default")).lower()


def login_for(name: str) -> str:
    """The default ASCII login of a staff member: the pinyin of the name (王磊 → wanglei)."""
    login = re.sub(r"[^a-z0-9]", "", pinyin_full(name))
    return login or "staff"


def choice_matches(query: str, names: list[str]) -> list[str]:
    """The names a typed query picks out, best first.

    A name matches when it starts with, or contains, the query (case-folded), or when its
    pinyin initials or full pinyin start with it (``km`` finds 凯美瑞).
    """
    text = (query or "").strip().casefold()
    if not text:
        return list(names)
    ranked: list[tuple[int, int, str]] = []
    for position, name in enumerate(names):
        folded = name.casefold()
        if folded == text:
            rank = 0
        elif folded.startswith(text):
            rank = 1
        elif pinyin_initials(name).startswith(text) or pinyin_full(name).startswith(text):
            rank = 2
        elif text in folded:
            rank = 3
        else:
            continue
        ranked.append((rank, position, name))
    return [name for _, _, name in sorted(ranked)]


def parse_time_of_day(raw: str, day: dt.date) -> dt.datetime:
    """``HH:MM`` on ``day``, or a full ``YYYY-MM-DD HH:MM``. Raises ValueError otherwise."""
    text = (raw or "").strip()
    for fmt in DATETIME_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt)
        except ValueError:
            pass
    match = re.fullmatch(r"(\d{1,2})[:：.](\d{2})", text) or re.fullmatch(r"(\d{2})(\d{2})", text)
    if not match:
        raise ValueError(text)
    hour, minute = int(match[1]), int(match[2])
    return dt.datetime.combine(day, dt.time(hour, minute))


def stay_minutes(time_in: dt.datetime, time_out: dt.datetime | None, now: dt.datetime) -> int:
    """Minutes a walk-in party has spent (or spent) in the showroom."""
    end = time_out or now
    return max(0, int((end - time_in).total_seconds() // 60))


def is_future(moment: dt.datetime, now: dt.datetime) -> bool:
    """A time that has not happened yet (beyond the tolerance between terminals' clocks)."""
    return moment > now + FUTURE_TOLERANCE


def warm_up() -> None:
    """Load the phone-number and pinyin libraries (0.2 s) before the first keystroke needs
    them; the app calls this on a thread once its first screen is up."""
    normalise_phone("13800000000")
    pinyin_initials("王磊")
