"""The demo's follow-up (演示跟进): what the consultants and the manager do between visits.

Each day the consultants follow up the intent customers due that day, on their level's
cadence (store settings: H every 2 days, A 3, B 7, C 14, O weekly until delivery). Most are
called on the day they are due; each consultant lets some slip, and a slipped follow-up is
caught up on a later day, so a realistic minority of the table is late (逾期). A contact
may raise or lower the level, take an order (O), or end with the customer buying
elsewhere (战败) or out of reach (失控); an order is delivered (交车, 成交) after a week or
three. The manager closes those leads (关闭线索) and, in the morning, gives a long-overdue customer
to another consultant (转交).

Everything goes through the services (``record_contact``, ``close_customer``,
``reassign``) as the member who does it, so the rules, the level history and the audit
log hold exactly as at the desk. Randomness comes from its own generator, seeded from the
demo's seed: the same seed gives the same follow-ups.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from frontdesk.followup import contact_table, contacts
from frontdesk.months import month_of
from frontdesk.people import roles, team
from frontdesk.people.actor import Actor
from frontdesk.store import codes
from frontdesk.store.models import Customer, Staff, is_yes

# Each consultant's share of follow-ups made on the day they fall due (the rest slip).
ON_TIME = (0.70, 0.90)
CATCH_UP = 0.12  # the chance a slipped follow-up is made on any later day
AGREED_DATE = 0.15  # contacts that agree the next date with the customer (约定日期)
REASSIGN_PER_DAY = 0.3  # mornings on which the manager gives a late customer to another
REASSIGN_AFTER_DAYS = 3  # how late a customer is before the manager steps in
METHODS = {"call": 65, "message": 25, "visit": 10}  # 电话 / 短信·微信 / 拜访
DAY_START, DAY_END = dt.time(9, 0), dt.time(18, 0)
CLOSE_DELAY_MIN = (5, 90)  # the manager approves a close this long after the contact

# What a contact at each level leads to, with relative weights: a level (the same one,
# or up, or down), or a close (deal / defeat / lost).
NEXT_STEP: dict[str, dict[str, int]] = {
    "O": {"O": 55, "deal": 45},
    "H": {"H": 50, "O": 22, "A": 12, "deal": 4, "defeat": 10, "lost": 2},
    "A": {"A": 60, "H": 16, "B": 12, "defeat": 8, "lost": 2},
    "B": {"B": 64, "A": 14, "C": 12, "defeat": 6, "lost": 3},
    "C": {"C": 70, "B": 12, "defeat": 8, "lost": 6},
}
ACCOUNTS = {  # 访问经过, by what came of the contact
    "same": (
        "电话回访，客户仍在比较",
        "发送最新报价",
        "邀约周末试驾",
        "客户出差，下周再联系",
        "确认贷款方案",
        "介绍置换政策",
        "提醒新车到店",
    ),
    "up": ("预算已定，准备订车", "试驾后很满意", "询问提车时间"),
    "down": ("客户暂缓购车", "家人意见不一", "等年底优惠"),
    "order": ("交订金，已签合同",),
    "deal": ("交车完成，客户满意",),
    "defeat": ("客户已在别家订车",),
    "lost": ("多次来电无人接听",),
}
DEFEAT_REASONS = (
    "价格优惠不如对手",
    "提车等待太久",
    "竞品配置更高",
    "家人更喜欢别的品牌",
    "置换补贴不够",
    "离店太远",
)
COMPETITORS = (
    "本田雅阁",
    "大众帕萨特",
    "日产天籁",
    "本田CR-V",
    "大众途观L",
    "别克GL8",
    "比亚迪汉",
    "特斯拉Model 3",
)
LOST_REASONS = ("电话停机", "多次联系不上", "已搬离本市", "客户不再接听")
_ORDER = "OHABC"  # from the nearest purchase to the farthest


@dataclass
class FollowUpSummary:
    """What the demo's follow-up did."""

    contacts: int = 0
    late: int = 0  # contacts made after the day they were due
    deals: int = 0
    defeats: int = 0
    lost: int = 0
    reassigned: int = 0


@dataclass(frozen=True)
class Planned:
    """Something the staff will do at ``at``: a follow-up contact or a reassignment."""

    at: dt.datetime
    kind: str  # followup | reassign
    customer_id: int
    late: bool = False


@dataclass(frozen=True)
class Outcome:
    """What a follow-up left the customer at: their level, or how they were closed."""

    phone: str
    level: str | None
    closed_as: str | None = None


class FollowUps:
    """The consultants' and the manager's day of follow-up, through the services."""

    def __init__(self, seed: int, by: Actor, summary: FollowUpSummary):
        self.rng = random.Random(f"{seed}:follow-up")
        self.summary = summary
        manager = (
            Staff.select()
            .where(is_yes(Staff.active) & (Staff.role == "manager"))
            .order_by(Staff.id)
            .first()
        )
        # The manager closes and reassigns; with none, whoever runs the demo if they may.
        self.manager = Actor.member(manager) if manager is not None else by
        self.diligence: dict[str, float] = {}  # each consultant's share made on time
        self.staff = {member.id: member for member in Staff.select()}
        # 战败: the store's own lists (the demo fills them), as a manager picks from them.
        self.defeat_reasons = codes.names(codes.DEFEAT_REASON) or list(DEFEAT_REASONS)
        self.competitors = codes.names(codes.COMPETITOR) or list(COMPETITORS)

    @property
    def active(self) -> bool:
        return roles.may(self.manager, roles.CONTACT_CLOSE)

    # -- the day's plan ---------------------------------------------------------------------

    def plan(self, day: dt.date) -> list[Planned]:
        """The day's follow-ups (and a morning reassignment), from the table as it stands
        at the start of the day: the customers due that day or earlier."""
        if not self.active:
            return []
        f = contact_table.TableFilter(month=month_of(day), today=day, viewer=self.manager)
        due = sorted(
            (row for row in contact_table.all_rows(f) if row.next_due and row.next_due <= day),
            key=lambda row: (row.next_due, row.id),
        )
        planned: list[Planned] = []
        late_rows = [row for row in due if (day - row.due).days >= REASSIGN_AFTER_DAYS]
        moved = None
        if late_rows and self.rng.random() < REASSIGN_PER_DAY:
            moved = self.rng.choice(late_rows)
            morning = dt.datetime.combine(day, DAY_START) + dt.timedelta(
                minutes=self.rng.randrange(5, 30)
            )
            planned.append(Planned(morning, "reassign", moved.id))
            # The consultant who was given the customer calls them that morning.
            call = morning + dt.timedelta(minutes=self.rng.randrange(10, 120))
            planned.append(Planned(call, "followup", moved.id, late=True))
        for row in due:
            if row is moved:
                continue
            late = row.due < day
            chance = CATCH_UP if late else self._diligence(row.consultant or "")
            if self.rng.random() < chance:
                planned.append(Planned(self._moment(day), "followup", row.id, late))
        return planned

    def _diligence(self, consultant: str) -> float:
        if consultant not in self.diligence:
            self.diligence[consultant] = self.rng.uniform(*ON_TIME)
        return self.diligence[consultant]

    def _moment(self, day: dt.date) -> dt.datetime:
        start = dt.datetime.combine(day, DAY_START)
        seconds = (dt.datetime.combine(day, DAY_END) - start).seconds
        return start + dt.timedelta(seconds=self.rng.randrange(seconds))

    # -- doing it ---------------------------------------------------------------------------

    def carry_out(self, planned: Planned, until: dt.datetime | None) -> Outcome | None:
        """Do what was planned, if it still makes sense (the customer may have walked in
        or been closed since the morning); what it left the customer at, if anything."""
        customer = Customer.get_or_none(Customer.id == planned.customer_id)
        day = planned.at.date()
        if customer is None or customer.level is None or customer.next_due is None:
            return None
        if customer.next_due > day:  # followed up already, at a registration today
            return None
        if planned.kind == "reassign":
            self._reassign(customer, planned.at)
            return None
        return self._follow_up(customer, planned, until)

    def _reassign(self, customer: Customer, at: dt.datetime) -> None:
        others = [
            member
            for member in team.consultants()
            if member.role == "consultant" and member.id != customer.consultant_id
        ]
        if not others:
            return
        contacts.reassign(customer.id, self.rng.choice(others), by=self.manager, at=at)
        self.summary.reassigned += 1

    def _maker(self, customer: Customer) -> Actor:
        """The customer's own consultant, or the manager for a customer who has none."""
        member = self.staff.get(customer.consultant_id) if customer.consultant_id else None
        if member is not None and roles.may(Actor.member(member), roles.CONTACT_RECORD, customer):
            return Actor.member(member)
        return self.manager

    def _follow_up(
        self, customer: Customer, planned: Planned, until: dt.datetime | None
    ) -> Outcome:
        rng = self.rng
        level = customer.level or "C"
        steps = NEXT_STEP[level]
        step = rng.choices(list(steps), weights=list(steps.values()))[0]
        closing = step in ("deal", "defeat", "lost")
        after = level if closing else step
        if closing:
            account = ACCOUNTS[step]
        elif after == level:
            account = ACCOUNTS["same"]
        elif after == "O":
            account = ACCOUNTS["order"]
        else:
            account = ACCOUNTS["up" if _ORDER.index(after) < _ORDER.index(level) else "down"]
        method = rng.choices(list(METHODS), weights=list(METHODS.values()))[0]
        agreed = None
        if not closing and rng.random() < AGREED_DATE:
            agreed = planned.at.date() + dt.timedelta(days=rng.randint(1, 6))
        data = contacts.ContactInput(
            method=method,
            at=planned.at,
            account=rng.choice(account),
            level=after,
            next_date=agreed,
        )
        contacts.record_contact(customer.id, data, by=self._maker(customer))
        self.summary.contacts += 1
        self.summary.late += planned.late
        if not closing:
            return Outcome(customer.phone, after)
        return self._close(customer, step, planned.at, until)

    def _close(
        self, customer: Customer, outcome: str, after: dt.datetime, until: dt.datetime | None
    ) -> Outcome:
        """The manager approves the close a little after the contact (关闭线索)."""
        rng = self.rng
        at = after + dt.timedelta(minutes=rng.randint(*CLOSE_DELAY_MIN))
        if until is not None:
            at = min(at, until)
        reason = competitor = ""
        if outcome == "defeat":
            reason, competitor = rng.choice(self.defeat_reasons), rng.choice(self.competitors)
        elif outcome == "lost":
            reason = rng.choice(LOST_REASONS)
        contacts.close_customer(
            customer.id, outcome, reason=reason, competitor=competitor, by=self.manager, at=at
        )
        self.summary.deals += outcome == "deal"
        self.summary.defeats += outcome == "defeat"
        self.summary.lost += outcome == "lost"
        return Outcome(customer.phone, None, outcome)
