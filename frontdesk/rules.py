"""The business rules of the front desk, free of any storage or screen.

- Phone numbers identify customers: they are normalised (``+86 138-1234-5678`` →
  ``13812345678``) so the same customer is found however the number is typed; one with
  letters in it is refused (never read as keypad digits).
- Intent levels (意向级别): O order not yet delivered, H within 7 days, A 7–15 days,
  B 15 days–1 month, C 1–3 months; each has a follow-up interval in days.
- Logins are ASCII, by default the pinyin of the name (王磊 → wanglei).
- A Chinese input method types full-width forms (全角: ``２``, ``１０：０５``, ``Ｈ``): every
  number, time, date, level and choice is read through ``fold_width`` (NFKC), and stored
  text keeps its full-width punctuation but gets ASCII letters and digits.
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
ROLES = ("receptionist", "consultant", "manager", "admin", "group_manager")
CONTACT_METHODS = ("call", "visit", "walkin", "message")
# 访问目的 (seed 000 slide 42): 促进 an intent customer towards the deal, 手续 the paperwork
# of a deal, 管理 keeping up a base customer or owner, 开拓 prospecting a new one.
CONTACT_PURPOSES = ("promotion", "procedure", "maintenance", "prospecting")
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
# 来源区分 (seed 000 slide 57): 1 基盘维系 · 2 VIP · 3 大客户 · 4 来店/电 · 5 内部情报 ·
# 6 户外展示 · 7 二级网点. A customer first on file through the desk is a 4.
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

# Full-width letters and digits (Ａ–Ｚ, ａ–ｚ, ０–９) and the ideographic space, as stored text
# has them: ASCII. Full-width punctuation (，：（）) is how Chinese prose is written, and stays.
_FULL_WIDTH_OFFSET = 0xFF01 - 0x21
_WIDE_LETTERS_AND_DIGITS = {
    code: code - _FULL_WIDTH_OFFSET
    for start, end in (("０", "９"), ("Ａ", "Ｚ"), ("ａ", "ｚ"))
    for code in range(ord(start), ord(end) + 1)
} | {ord("\u3000"): ord(" ")}


def fold_width(raw: str | None) -> str:
    """Typed text as the rules read it: full-width digits, letters and punctuation folded
    to their ASCII forms (NFKC), ``１０：０５`` → ``10:05``, ``＋３`` → ``+3``."""
    return unicodedata.normalize("NFKC", raw or "")


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
    """A stored phone number grouped for reading, as Chinese numbers are printed.

    - mobiles 3-4-4: ``138 1234 5678``;
    - landlines (固话): the area code (区号), then the local number in 4-4 (8 digits) or
      3-4 (7 digits; a shorter one whole). Area codes are 3 digits for Beijing 010 and
      020–029 (Guangzhou, Shanghai, Tianjin, Chongqing, Shenyang, Nanjing, Wuhan, Chengdu,
      Xi'an), 4 digits for every other city: ``010 1234 5678``, ``020 8765 4321``,
      ``0755 1234 5678``, ``0391 123 4567``;
    - 400 and 800 service numbers 3-3-4: ``400 812 3123``.

    This is the grouping ``phonenumbers`` prints for Chinese numbers, without its 0.1 s of
    metadata on a screen that formats thousands of rows. Anything else (a number from
    abroad, kept in E.164) is shown as stored.
    """
    if not phone:
        return ""
    if len(phone) == 11 and phone.startswith("1"):
        return f"{phone[:3]} {phone[3:7]} {phone[7:]}"
    if len(phone) == 10 and phone[:3] in ("400", "800"):  # nationwide service numbers
        return f"{phone[:3]} {phone[3:6]} {phone[6:]}"
    if phone.startswith("0") and phone.isdigit():
        area_length = 3 if phone[1] in "12" else 4
        area, local = phone[:area_length], phone[area_length:]
        if len(local) == 8:
            return f"{area} {local[:4]} {local[4:]}"
        if len(local) == 7:
            return f"{area} {local[:3]} {local[3:]}"
        return f"{area} {local}"
    return phone


def normalise_level(raw: str | None) -> str | None:
    """``h`` (or full-width ``Ｈ``) → ``H``; blank → None. Raises ValueError for anything else."""
    text = fold_width(raw).strip().upper()
    if not text or text in {"-", "—", "NONE"}:
        return None
    if text not in LEVELS:
        raise ValueError(text)
    return text


def normalise_source(raw: object) -> int | None:
    """A typed 来源区分: ``5`` (or full-width ``５``) → 5; blank → None. Raises ValueError
    for anything but one of ``SOURCES``."""
    text = fold_width("" if raw is None else str(raw)).strip()
    if not text:
        return None
    if not text.isascii() or not text.isdigit() or int(text) not in SOURCES:
        raise ValueError(text)
    return int(text)


def follow_up_due(last_contact: dt.date, level: str | None, intervals=None) -> dt.date | None:
    """The day the next follow-up is due: the last contact plus the level's interval."""
    if level is None:
        return None
    days = (intervals or FOLLOW_UP_DAYS)[level]
    return last_contact + dt.timedelta(days=days)


def clean_text(raw: str | None, limit: int) -> str:
    """User text as stored: control characters (and so terminal escapes) dropped, full-width
    letters and digits made ASCII (``ＲＡＶ４`` → ``RAV4``), trimmed.

    Raises ValueError when the text is longer than ``limit`` characters.
    """
    text = "".join(
        ch if unicodedata.category(ch)[0] != "C" or ch in "\n\t" else "" for ch in (raw or "")
    )
    text = text.translate(_WIDE_LETTERS_AND_DIGITS).replace("\t", " ").strip()
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
    # ``errors`` may return a list of pieces (pypinyin's stub says a string): one a character.
    letters = lazy_pinyin(
        name,
        style=Style.FIRST_LETTER,
        errors=lambda chars: list(chars),  # type: ignore[arg-type, return-value]
    )
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
    pinyin initials or full pinyin start with it (``km`` finds 凯美瑞); full-width and
    ASCII forms are the same (``ＲＡＶ４`` finds RAV4荣放).
    """
    text = fold_width(query).strip().casefold()
    if not text:
        return list(names)
    ranked: list[tuple[int, int, str]] = []
    for position, name in enumerate(names):
        folded = fold_width(name).casefold()
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
    """``HH:MM`` on ``day``, or a full ``YYYY-MM-DD HH:MM``, in ASCII or full-width digits.
    Raises ValueError otherwise."""
    text = fold_width(raw).strip()
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
