"""Demo data: a month of a plausible showroom, for trying the desk, the statistics and the
follow-up of intent customers.

Everything goes through the same services as the form (``registration.register`` and
``registration.checkout``), so every rule holds: phone numbers are normalised, returning
customers are recognised by their phone, the up rotation turns. Between visits the
consultants follow their customers up and the manager closes and reassigns them
(``demo_followup``), through the follow-up services. The whole generation is
one transaction (the services' own transactions become savepoints), so it is fast and a
failure leaves nothing half-made. The same seed on the same store and day gives the same
data.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from frontdesk import clock, rules
from frontdesk.desk import registration as registration_service
from frontdesk.desk.demo_followup import (
    COMPETITORS,
    DEFEAT_REASONS,
    FollowUps,
    FollowUpSummary,
    Planned,
)
from frontdesk.desk.onboarding import setting_up
from frontdesk.errors import ValidationError
from frontdesk.followup import contact_table
from frontdesk.i18n import t
from frontdesk.people import team
from frontdesk.people.actor import Actor
from frontdesk.store import codes, rows, settings
from frontdesk.store.models import Customer, Staff, database, is_yes

MAX_DAYS = 366

DEMO_STAFF = (
    ("王磊", "consultant"),
    ("李娜", "consultant"),
    ("张伟", "consultant"),
    ("刘洋", "consultant"),
    ("黄婷", "consultant"),
    ("赵敏", "receptionist"),
    ("陈静", "manager"),
    ("周杰", "admin"),
)
DEMO_MODELS = ("凯美瑞", "卡罗拉", "汉兰达", "RAV4荣放", "雷凌", "威兰达", "亚洲龙", "赛那")
# Relative interest in each model (by name; models the store added itself get 1.0).
MODEL_WEIGHTS = {
    "凯美瑞": 3.0,
    "卡罗拉": 3.0,
    "汉兰达": 1.5,
    "RAV4荣放": 2.5,
    "雷凌": 2.0,
    "威兰达": 1.5,
    "亚洲龙": 1.2,
    "赛那": 0.8,
}
CHANNEL_WEIGHTS = {
    "网络": 5.0,
    "电视": 0.6,
    "广播": 0.5,
    "报纸杂志": 0.3,
    "户外广告": 0.8,
    "朋友介绍": 2.5,
    "老客户": 1.5,
    "车展/活动": 1.0,
    "路过": 2.0,
    "其他": 0.5,
}
COLOURS = ("珍珠白", "曜石黑", "铂金银", "星光蓝", "熔岩红", "钛金灰")
NOTES = (
    "询问置换补贴",
    "对比本田雅阁",
    "关注油耗",
    "咨询贷款方案",
    "带家人看车",
    "等新款上市",
    "问现车和提车时间",
    "预算有限，再考虑",
)
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程"
)
MALE_GIVEN = ("伟", "强", "磊", "军", "勇", "杰", "涛", "明", "超", "浩然", "志强", "建华", "子轩")
FEMALE_GIVEN = (
    "芳",
    "娜",
    "敏",
    "静",
    "丽",
    "艳",
    "婷",
    "雪",
    "慧",
    "欣怡",
    "晓燕",
    "雨涵",
    "佳琪",
)
MOBILE_PREFIXES = ("138", "139", "135", "136", "150", "151", "158", "186", "187", "188", "177")

OPEN_HOUR, CLOSE_HOUR = 9, 18
# Relative arrivals per hour from 09:00 to 17:00: peaks at 10–11 and 14–16, lunch dip.
HOURLY_WEIGHTS = (0.6, 1.4, 1.2, 0.6, 0.6, 1.2, 1.4, 1.0, 0.6)
WEEKEND_FACTOR = 1.8
WEEKDAY_WALKINS = (15, 30)
WEEKDAY_CALLS = (5, 12)
LEVEL_UP = {None: "C", "C": "B", "B": "A", "A": "H", "H": "H", "O": "O"}


@dataclass
class DemoSummary:
    """What the demo generated."""

    days: int = 0
    staff_added: int = 0
    models_added: int = 0
    walkins: int = 0
    people: int = 0
    calls: int = 0
    new_customers: int = 0
    returning: int = 0
    test_drives: int = 0
    orders: int = 0
    open_walkins: int = 0
    follow_up: FollowUpSummary = field(default_factory=FollowUpSummary)
    intent: int = 0  # open intent customers at the end (the contact table)
    overdue: int = 0  # of them, late for their follow-up

    def line(self) -> str:
        """The one-line summary the CLI prints."""
        follow_up = self.follow_up
        return t(
            "demo.summary",
            days=self.days,
            walkins=self.walkins,
            people=self.people,
            calls=self.calls,
            customers=self.new_customers,
            returning=self.returning,
            test_drives=self.test_drives,
            orders=self.orders,
            open=self.open_walkins,
            contacts=follow_up.contacts,
            deals=follow_up.deals,
            defeats=follow_up.defeats,
            lost=follow_up.lost,
            reassigned=follow_up.reassigned,
            intent=self.intent,
            overdue=self.overdue,
        )


@dataclass
class _Known:
    """What the demo remembers of a customer it has already put on file."""

    name: str
    gender: str
    model: str
    channel: str
    level: str | None
    walked_in: bool
    last_day: dt.date  # the day of their latest walk-in or call
    closed: bool = False  # bought here or elsewhere, or out of reach: does not come back


class _Generator:
    def __init__(self, rng: random.Random, by: Actor, summary: DemoSummary, follow_ups: FollowUps):
        self.rng = rng
        self.by = by
        self.summary = summary
        self.follow_ups = follow_ups
        self.models = codes.names(codes.MODEL)
        self.channels = codes.names(codes.CHANNEL)
        self.used_phones = {phone for (phone,) in rows.tuples(Customer.select(Customer.phone))}
        self.known: dict[str, _Known] = {}  # phone → customer, in order of creation

    # -- small random helpers -------------------------------------------------------------

    def weighted(self, items, weights):
        return self.rng.choices(list(items), weights=list(weights))[0]

    def model(self) -> str:
        if not self.models:
            return ""
        return self.weighted(self.models, (MODEL_WEIGHTS.get(m, 1.0) for m in self.models))

    def channel(self) -> str:
        if not self.channels:
            return ""
        return self.weighted(self.channels, (CHANNEL_WEIGHTS.get(c, 1.0) for c in self.channels))

    def person(self) -> tuple[str, str]:
        gender = self.rng.choice(("M", "F"))
        surname = self.rng.choice(SURNAMES)
        if self.rng.random() < 0.3:  # the receptionist only caught the surname
            return surname + ("先生" if gender == "M" else "女士"), gender
        given = self.rng.choice(MALE_GIVEN if gender == "M" else FEMALE_GIVEN)
        return surname + given, gender

    def phone(self) -> str:
        while True:
            candidate = self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            if candidate not in self.used_phones and rules.normalise_phone(candidate) == candidate:
                self.used_phones.add(candidate)
                return candidate

    def moment(self, day: dt.date) -> dt.datetime:
        hour = OPEN_HOUR + self.weighted(range(len(HOURLY_WEIGHTS)), HOURLY_WEIGHTS)
        return dt.datetime.combine(
            day, dt.time(hour, self.rng.randrange(60), self.rng.randrange(60))
        )

    def returning_customer(self, day: dt.date, walkin: bool) -> str | None:
        """A customer seen on an earlier day (who walked in before, for a walk-in)."""
        pool = [
            phone
            for phone, known in self.known.items()
            if known.last_day < day and (known.walked_in or not walkin) and not known.closed
        ]
        return self.rng.choice(pool) if pool else None

    # -- one day --------------------------------------------------------------------------

    def day(self, day: dt.date, until: dt.datetime | None) -> None:
        factor = WEEKEND_FACTOR if day.weekday() >= 5 else 1.0
        walkins = round(self.rng.randint(*WEEKDAY_WALKINS) * factor)
        calls = round(self.rng.randint(*WEEKDAY_CALLS) * factor)
        events: list[tuple[dt.datetime, str, Planned | None]] = [
            (self.moment(day), "walkin", None) for _ in range(walkins)
        ]
        events += [(self.moment(day), "phone", None) for _ in range(calls)]
        events += [(planned.at, planned.kind, planned) for planned in self.follow_ups.plan(day)]
        events.sort(key=lambda event: event[:2])
        for at, kind, planned in events:
            if until is not None and at > until:
                break
            if kind == "walkin":
                self.walkin(at, until)
            elif kind == "phone":
                self.call(at)
            elif planned is not None:
                self.follow_up(planned, until)

    def follow_up(self, planned: Planned, until: dt.datetime | None) -> None:
        outcome = self.follow_ups.carry_out(planned, until)
        known = self.known.get(outcome.phone) if outcome is not None else None
        if outcome is not None and known is not None:
            known.level = outcome.level
            known.closed = outcome.closed_as is not None

    def new_level(self, weights) -> str | None:
        return self.weighted((None, "C", "B", "A", "H"), weights)

    def walkin(self, at: dt.datetime, until: dt.datetime | None) -> None:
        rng = self.rng
        data = registration_service.RegistrationInput(kind="walkin", time_in=at)
        data.party_size = self.weighted((1, 2, 3, 4), (35, 35, 20, 10))
        identified = rng.random() >= 0.30
        phone = (
            self.returning_customer(at.date(), walkin=True)
            if identified and rng.random() < 0.36
            else None
        )
        if not identified:
            data.gender = rng.choice(("M", "F", ""))
            data.model = self.model() if rng.random() < 0.6 else ""
            data.test_drive = rng.random() < 0.12
        elif phone is not None:
            known = self.known[phone]
            data.phone, data.name, data.gender = phone, known.name, known.gender
            data.model = known.model if rng.random() < 0.85 else self.model()
            data.channel = known.channel
            data.ordered = rng.random() < 0.20
            level = known.level
            if rng.random() < 0.45:
                level = LEVEL_UP[level]
            data.level = level or ""
            data.test_drive = rng.random() < 0.38
            data.quote = rng.random() < 0.55
        else:
            data.phone = self.phone()
            data.name, data.gender = self.person()
            data.model = self.model() if rng.random() < 0.9 else ""
            data.channel = self.channel()
            data.level = self.new_level((25, 30, 25, 12, 8)) or ""
            data.ordered = rng.random() < 0.06
            data.test_drive = rng.random() < 0.28
            data.quote = rng.random() < 0.35
        if data.ordered:
            data.level, data.quote = "O", True
            data.model = data.model or self.model()
            data.test_drive = data.test_drive or rng.random() < 0.7
        if data.model and rng.random() < 0.4:
            data.colour = rng.choice(COLOURS)
        if rng.random() < 0.15:
            data.notes = rng.choice(NOTES)
        registration = registration_service.register(data, by=self.by)
        self.remember(data, at.date(), walkin=True)

        summary = self.summary
        summary.walkins += 1
        summary.people += registration.party_size
        summary.returning += registration.visit == "returning"
        summary.test_drives += registration.test_drive
        summary.orders += registration.ordered
        stay = rng.randint(40, 90) if data.test_drive or data.ordered else rng.randint(15, 75)
        time_out = at + dt.timedelta(minutes=stay, seconds=rng.randrange(60))
        if until is not None and time_out > until:
            summary.open_walkins += 1  # still in the showroom
        else:
            registration_service.checkout(registration.id, at=time_out, by=self.by)

    def call(self, at: dt.datetime) -> None:
        rng = self.rng
        data = registration_service.RegistrationInput(kind="phone", time_in=at)
        if rng.random() < 0.92:
            phone = (
                self.returning_customer(at.date(), walkin=False) if rng.random() < 0.25 else None
            )
            if phone is not None:
                known = self.known[phone]
                data.phone, data.name, data.gender = phone, known.name, known.gender
                data.model, data.channel = known.model, known.channel
                data.level = known.level or ""
            else:
                data.phone = self.phone()
                data.name, data.gender = self.person()
                data.model = self.model() if rng.random() < 0.85 else ""
                data.channel = self.channel()
                data.level = self.new_level((40, 35, 15, 8, 2)) or ""
            data.quote = rng.random() < 0.15
        else:  # hung up without leaving a number
            data.model = self.model() if rng.random() < 0.5 else ""
        if rng.random() < 0.1:
            data.notes = rng.choice(NOTES)
        registration_service.register(data, by=self.by)
        self.remember(data, at.date(), walkin=False)
        self.summary.calls += 1

    def remember(
        self, data: registration_service.RegistrationInput, day: dt.date, walkin: bool
    ) -> None:
        if not data.phone:
            return
        known = self.known.get(data.phone)
        level = data.level or None
        if known is None:
            self.known[data.phone] = _Known(
                data.name, data.gender, data.model, data.channel, level, walkin, day
            )
            return
        known.model = data.model or known.model
        known.level = level or known.level
        known.walked_in = known.walked_in or walkin
        known.last_day = day


def _set_up_store(summary: DemoSummary, by: Actor) -> None:
    if not Staff.select().exists():
        by = setting_up(by)
        for name, role in DEMO_STAFF:
            team.add_staff(name, role, by=by)
            summary.staff_added += 1
    summary.models_added = codes.add(codes.MODEL, *DEMO_MODELS)
    codes.add(codes.DEFEAT_REASON, *DEFEAT_REASONS)
    codes.add(codes.COMPETITOR, *COMPETITORS)
    if not settings.store_name():
        settings.put(settings.STORE_NAME, t("demo.store_name"))
    settings.put(settings.WELCOMED, "1")


def generate(days: int = 30, seed: int = 1, *, by: Actor) -> DemoSummary:
    """Fill the store with ``days`` days of walk-ins and calls, ending now.

    ``by`` is who registers them; the desk and the operator register them as the store's
    first receptionist (the demo's desk).
    """
    if not 1 <= days <= MAX_DAYS:
        raise ValidationError({"days": t("demo.bad_days", max=MAX_DAYS)})
    summary = DemoSummary(days=days)
    caller = by
    rng = random.Random(seed)
    now = clock.now()
    today = now.date()
    with database.atomic():
        customers_before = Customer.select().count()
        _set_up_store(summary, by)
        if not by.is_staff:
            receptionist = (
                Staff.select()
                .where(is_yes(Staff.active) & (Staff.role == "receptionist"))
                .order_by(Staff.id)
                .first()
            )
            by = Actor.signed_in(receptionist)
        follow_ups = FollowUps(seed, caller, summary.follow_up)
        generator = _Generator(rng, by, summary, follow_ups)
        for offset in range(days - 1, -1, -1):
            day = today - dt.timedelta(days=offset)
            generator.day(day, now if day == today else None)
        summary.new_customers = Customer.select().count() - customers_before
        if follow_ups.active:
            table = contact_table.totals(contact_table.current_filter(follow_ups.manager))
            summary.intent, summary.overdue = table.open, table.overdue
    return summary
