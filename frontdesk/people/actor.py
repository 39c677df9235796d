"""Who acts: the one type every service is told, and checks rights on (``frontdesk.people.roles``).

There are exactly three kinds of actor, and no fourth meaning of "nobody":

- the **desk** (前台终端): a terminal at the front desk that nobody signed in to; it has the
  receptionist's rights, and its work is recorded as the desk's;
- a **staff member** (员工): signed in at a terminal (the sign-in, ``--as``,
  ``FRONTDESK_AS``) or over SSH (their key); their role's rights, and only while active;
- the store machine's **operator** (本机管理员): the command line run on the machine that
  holds the store, without ``--as``. Whoever can run it can read and copy the store file
  anyway, so the operator has every right; saying so explicitly is what keeps the other two
  honest.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from frontdesk.store.models import Staff


class ActorKind(StrEnum):
    DESK = "desk"
    STAFF = "staff"
    OPERATOR = "operator"


DESK_ROLE = "receptionist"  # the rights of a desk nobody signed in to
OPERATOR_ROLE = "operator"  # the rights of the store machine's operator: all of them


@dataclass(frozen=True, slots=True)
class Actor:
    """Who is doing something: the desk, a staff member, or the store machine's operator."""

    kind: ActorKind
    staff: Staff | None = None

    def __post_init__(self) -> None:
        if (self.kind is ActorKind.STAFF) != (self.staff is not None):
            raise ValueError("a staff actor has a staff member, the desk and operator none")

    @classmethod
    def member(cls, staff: Staff) -> Actor:
        """A signed-in staff member."""
        return cls(ActorKind.STAFF, staff)

    @classmethod
    def signed_in(cls, staff: Staff | None) -> Actor:
        """A terminal's actor: the member signed in at it, or the desk when nobody is."""
        return cls.member(staff) if staff is not None else DESK

    @property
    def role(self) -> str:
        """The role whose rights apply (``roles.RIGHTS``)."""
        if self.staff is not None:
            return self.staff.role
        return OPERATOR_ROLE if self.kind is ActorKind.OPERATOR else DESK_ROLE

    @property
    def staff_id(self) -> int | None:
        return self.staff.id if self.staff is not None else None

    @property
    def is_staff(self) -> bool:
        return self.kind is ActorKind.STAFF

    @property
    def login(self) -> str:
        """Whose drafts these are: the member's login, "" for the desk and the operator."""
        return self.staff.login if self.staff is not None else ""


DESK = Actor(ActorKind.DESK)
OPERATOR = Actor(ActorKind.OPERATOR)
