"""The Peewee models of the store.

The tables are created and changed only by the migrations in ``frontdesk/migrations``;
these classes describe the current schema (a test checks that both agree).
Business terms, as the paper forms name them:

- ``Staff``: 员工 — receptionists (展厅接待), sales consultants (销售顾问), managers (展厅主管)
  and admins; consultants on duty form the up rotation (接待顺序).
- ``Customer``: 客户 — identified by phone; an intent customer (意向客户) has a level
  H/A/B/C (or O, an order not yet delivered).
- ``Registration``: one row of 来店(电)客户登记表, a walk-in party (来店, 批) or a phone
  call (来电).
- ``Contact`` and ``LevelChange``: follow-up contacts (接触) and level changes (升降级).
- ``CloseApplication``: a consultant's application to close a customer as defeated or
  lost (战败申请 / 失控申请), and the manager's decision on it.
- ``CodeItem``: the store's code lists — information channels (信息来源) and models (车型).
- ``GroupSetting`` and ``GroupCodeItem``: the group's defaults (集团默认) of the settings
  and the code lists, which a store without its own uses (group-wide, migration 0024).
- ``Draft``: a form being typed, kept so that a crash loses nothing.
- ``OpenByMet`` and ``OpenByDue``: the open intent customers the contact table's foot
  counts, kept counted by level, consultant, month met and due date (triggers).
- ``ReportSignoff``: a manager's signature under a consultant's daily report (营业日报表).
- ``SalesTarget``: a consultant's targets for a month (营业目标计划), in all or for a model.
- ``DayClose``: the desk's close of a day (日终结账) and a manager's confirmation of it.
- ``AuditEntry``: who changed what, when.
- ``Store``: a store (门店) of the database: one, ``main``, in a showroom's SQLite file; a
  dealer group's stores on PostgreSQL. Every other table is store-owned (``StoreOwned``):
  its rows carry their store, and its unique keys lead with it (migration 0022).
- ``PinLockout``: wrong PINs (登录密码) typed for one staff member at one terminal, and
  until when that name is locked there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from peewee import (
    AutoField,
    BooleanField,
    CharField,
    CompositeKey,
    DatabaseProxy,
    DateField,
    DateTimeField,
    Expression,
    Field,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)

from frontdesk import clock
from frontdesk.desk.fields import CHAR_COLUMN, FIELDS, FieldTable, RegistrationField, ValueType

database = DatabaseProxy()


def is_yes(column: Field) -> Expression:
    """A yes/no column is yes: ``= 1``, as both engines hold it (integers, not a boolean
    type: ``frontdesk.store.dialect``), where a bare column would be SQLite's only."""
    return column == True  # noqa: E712  (an SQL comparison, not Python's)


class BaseModel(Model):
    class Meta:
        database = database
        legacy_table_names = False


class Store(BaseModel):
    """A store (门店) of the database, by its short code (``--store CODE``): group-wide."""

    id = AutoField()
    code = CharField(unique=True)
    name = CharField()
    created_at = DateTimeField(default=clock.now)


# The tables that are not a store's, besides the migrations' own ledger: the stores
# themselves, the people, the group's defaults. Every other table is store-owned
# (``tests/test_store_isolation.py``).
GROUP_WIDE_TABLES = ("store", "person", "group_setting", "group_code_item")
# Of those, the group's defaults (集团默认): every store reads them, only a group manager's
# transaction writes them (``dialect.group_write``; on PostgreSQL their policies, 0024).
GROUP_DEFAULT_TABLES = ("group_setting", "group_code_item")


class Person(BaseModel):
    """A person (人员) of the group, once whatever stores they work in: their login
    (``--as``, the SSH user name) and desk PIN are theirs. Group-wide; their role is per
    store: a ``Staff`` row (a membership) in each store they are on (migration 0023)."""

    id = AutoField()
    login = CharField(unique=True)
    name = CharField()
    # The PIN asked at the desk's sign-in (frontdesk.people.pins): ``scrypt$n$r$p$salt$hash``,
    # None when no PIN is set; never the PIN itself.
    pin_hash = CharField(null=True)
    created_at = DateTimeField(default=clock.now)


class StoreOwned(BaseModel):
    """A table whose every row is one store's: ``store_id``, never written by the app.

    The column's default is the store the connection works in: 1 on SQLite (a file has one
    store), the connection's ``frontdesk.store_id`` on PostgreSQL, where a row-level
    security policy also shows and takes only that store's rows (migration 0022). No
    Python default: an insert leaves it to the store. No foreign key in the model: on
    SQLite the column has none (an SQLite file has one store; SQLite cannot add one to
    rows kept), on PostgreSQL it references ``store``."""

    store_id = IntegerField()


class Setting(StoreOwned):
    """A store setting (store name, follow-up intervals, …) as text."""

    key = CharField()
    value = TextField()

    class Meta:
        primary_key = CompositeKey("store_id", "key")


class GroupSetting(BaseModel):
    """A group default of a setting (集团默认设置): the value every store of the group uses
    that has none of its own (``store.layers``), before the program's built-in default."""

    key = CharField(primary_key=True)
    value = TextField()


class Staff(StoreOwned):
    """A member of a store's staff: a person's membership of this store, with their role
    here. ``rotation_order`` orders the consultants on duty (接待顺序). ``login`` and
    ``name`` are the person's (``Person``), kept equal by ``people.team``; ``person_id``
    has no foreign key in the model, as ``store_id`` (SQLite cannot add one to rows kept;
    PostgreSQL has it)."""

    id = AutoField()
    name = CharField()
    login = CharField()
    role = CharField()  # receptionist | consultant | manager | admin
    active = BooleanField(default=True)
    on_duty = BooleanField(default=True)
    rotation_order = IntegerField(default=0)
    created_at = DateTimeField(default=clock.now)
    person_id = IntegerField()

    class Meta:
        indexes = (
            (("store_id", "name"), True),
            (("store_id", "login"), True),
            (("store_id", "person_id"), True),
        )

    @property
    def person(self) -> Person:
        """The person this membership is of (group-wide: their login and PIN)."""
        return Person.get_by_id(self.person_id)

    @property
    def pin_hash(self) -> str | None:
        """The person's desk PIN hash (one PIN in every store they work in), or None."""
        return Person.select(Person.pin_hash).where(Person.id == self.person_id).scalar()


class Customer(StoreOwned):
    """A customer on file (留档), identified by a normalised phone number."""

    id = AutoField()
    name = CharField(default="")
    # Unique per store (Meta); indexed alone too: an SQLite store's lookups by phone name
    # no store (its one), and SQLite seeks no index by its second column.
    phone = CharField(index=True)
    initials = CharField(default="", index=True)  # pinyin initials of the name: 张三 → zs
    gender = CharField(default="")  # "" | M | F
    region = CharField(default="")
    customer_class = CharField(default="base")  # see rules.CUSTOMER_CLASSES
    level = CharField(null=True, index=True)  # O | H | A | B | C | None
    model = CharField(default="")
    channel = CharField(default="")
    source = IntegerField(default=4)  # 来源区分 1–7; 4 = walk-in / phone
    consultant = ForeignKeyField(Staff, null=True, backref="customers", on_delete="SET NULL")
    consultant_id: int | None  # the foreign key's own column, as peewee reads it
    first_contact = DateField(null=True)
    notes = TextField(default="")
    created_at = DateTimeField(default=clock.now)
    updated_at = DateTimeField(default=clock.now)
    version = IntegerField(default=1)
    # Follow-up (contacts.recompute_follow_up keeps these in the same transaction as the
    # registration or contact): the latest registration or contact, and the day the next
    # follow-up is due — set exactly for open intent customers (a level), so it orders and
    # filters the contact table through an index.
    last_contact = DateField(null=True)
    next_due = DateField(null=True, index=True)
    # How an intent customer was last closed: deal | defeat | lost (成交 / 战败 / 失控).
    closed_at = DateTimeField(null=True)
    closed_as = CharField(null=True)
    close_reason = TextField(default="")
    competitor = CharField(default="")  # the brand / model bought instead (战败)

    class Meta:
        indexes = (
            (("store_id", "phone"), True),
            (("consultant", "next_due"), False),
            (("level", "next_due"), False),
            (("level", "next_due", "first_contact"), False),  # the table's totals, index only
        )


if TYPE_CHECKING:
    from peewee import ModelBase

    class _FormColumns(ModelBase):
        """To a type checker, a column added from the field table: ``Registration.kind``."""

        def __getattr__(cls, name: str) -> Any: ...
else:
    _FormColumns = type(Model)


class Registration(StoreOwned, metaclass=_FormColumns):
    """One row of the registration form: a walk-in party or a phone call.

    Its form's columns — kind, times, phone, name … notes — are the field table's
    (``frontdesk.desk.fields``), added by ``add_form_columns`` below; the class names
    only what the rules decide."""

    if TYPE_CHECKING:  # a row's value of a column added from the field table

        def __getattr__(self, name: str) -> Any: ...

    id = AutoField()
    # Indexed with kind and time in (Meta): "did this customer walk in before?" is answered
    # from the index alone (first or returning, 首次/再次, and the statistics).
    customer = ForeignKeyField(
        Customer, null=True, backref="registrations", on_delete="SET NULL", index=False
    )
    visit = CharField(default="first")  # first | returning (首次 / 再次)
    registered_by = ForeignKeyField(
        Staff, null=True, backref="registered", on_delete="SET NULL", column_name="registered_by_id"
    )
    created_at = DateTimeField(default=clock.now)
    updated_at = DateTimeField(default=clock.now)
    version = IntegerField(default=1)
    # 离店未登记: a walk-in party whose time out nobody recorded, so marked at the day's
    # close-out (``desk.day_close``): no longer in the showroom, still a party received.
    left_unrecorded_at = DateTimeField(null=True)

    class Meta:
        indexes = (
            (("kind", "time_in"), False),
            (("customer", "kind", "time_in"), False),
        )


def form_column(field: RegistrationField, model: type[Model]) -> Field:
    """The column a field of the table is stored in, by its type and limits."""
    kind = field.type
    if kind is ValueType.STAFF:  # a member of staff's rows: Staff.registrations
        return ForeignKeyField(
            Staff, null=True, backref=f"{model._meta.name}s", on_delete="SET NULL"
        )
    options: dict = {"null": field.null, "index": field.indexed}
    if not field.required and not field.null:
        options["default"] = field.default
    if kind is ValueType.MOMENT:
        return DateTimeField(**options)
    if kind in (ValueType.COUNT, ValueType.SOURCE):
        return IntegerField(**options)
    if kind is ValueType.YES_NO:
        return BooleanField(**options)
    if field.max_length > CHAR_COLUMN:
        return TextField(**options)
    return CharField(**options)


def add_form_columns(model: type[Model], fields: FieldTable = FIELDS) -> None:
    """Give ``model`` a column for each field of the table (the registration's, or a copy)."""
    for field in fields:
        model._meta.add_field(field.name, form_column(field, model))


add_form_columns(Registration)


class Contact(StoreOwned):
    """A follow-up contact with an intent customer (电话 / 拜访 / 来店 / 短信·微信)."""

    id = AutoField()
    customer = ForeignKeyField(Customer, backref="contacts", on_delete="CASCADE")
    staff = ForeignKeyField(Staff, null=True, backref="contacts", on_delete="SET NULL")
    at = DateTimeField(index=True)
    method = CharField()  # call | visit | walkin | message
    account = TextField(default="")  # 访问经过
    # 访问目的: promotion | procedure | maintenance | prospecting (促进 / 手续 / 管理 / 开拓), or
    # "" (not stated: every contact before it was asked).
    purpose = CharField(default="")
    level_after = CharField(null=True)
    next_date = DateField(null=True)
    registration = ForeignKeyField(Registration, null=True, on_delete="SET NULL")
    created_at = DateTimeField(default=clock.now)


class LevelChange(StoreOwned):
    """A change of an intent customer's level, with who made it and through what."""

    id = AutoField()
    customer = ForeignKeyField(Customer, backref="level_changes", on_delete="CASCADE")
    from_level = CharField(null=True)
    to_level = CharField(null=True)
    at = DateTimeField(index=True)
    staff = ForeignKeyField(Staff, null=True, on_delete="SET NULL")
    contact = ForeignKeyField(Contact, null=True, on_delete="SET NULL")
    registration = ForeignKeyField(Registration, null=True, on_delete="SET NULL")
    # A close (to no level, through no contact or registration): deal | defeat | lost,
    # with the reason and, for a defeat, the competitor bought (the loss analysis reads them).
    closed_as = CharField(null=True)
    close_reason = TextField(default="")
    competitor = CharField(default="")


class CloseApplication(StoreOwned):
    """An application to close an intent customer as defeated or lost (战败申请 / 失控申请),
    made by their consultant — or by the store for a customer with no contact for the set
    number of days (``origin`` auto) — and decided by a manager (``frontdesk.followup.
    close_review``). Until approved the customer stays open and due; the approval is the
    close (``close``, its level change)."""

    id = AutoField()
    # Indexed with the status (Meta): a customer's pending application, index only.
    customer = ForeignKeyField(
        Customer, backref="close_applications", on_delete="CASCADE", index=False
    )
    customer_id: int  # the foreign key's own column, as peewee reads it
    outcome = CharField()  # defeat | lost
    reason = TextField(default="")
    competitor = CharField(default="")  # 战败: the brand / model bought instead
    level = CharField(null=True)  # the customer's level when applied
    consultant = ForeignKeyField(  # the customer's consultant when applied
        Staff, null=True, backref="+", on_delete="SET NULL", index=False
    )
    origin = CharField(default="consultant")  # consultant | auto
    applied_by = ForeignKeyField(Staff, null=True, backref="+", on_delete="SET NULL", index=False)
    applied_at = DateTimeField(index=True)
    status = CharField(default="pending")  # pending | approved | rejected
    decided_by = ForeignKeyField(Staff, null=True, backref="+", on_delete="SET NULL", index=False)
    decided_at = DateTimeField(null=True)
    note = TextField(default="")  # the manager's note on a rejection
    close = ForeignKeyField(LevelChange, null=True, backref="+", on_delete="SET NULL")

    class Meta:
        indexes = (
            (("status", "applied_at"), False),  # the queue, oldest first
            (("customer", "status"), False),
        )


class IntentCycle(StoreOwned):
    """One spell of a customer as an open intent customer (意向周期), derived from their
    registrations, contacts and closes by ``frontdesk.followup.cycles``.

    It opens at the first level given (``opened_by``: walkin | visit | call | message); a
    level given by phone or message makes a phone lead (来电意向), who becomes an intent
    customer at the first face-to-face meeting (``met_at``, ``origin``: walkin | visit,
    seed: 面对面接触一次以上). It closes as a deal, a defeat or lost (成交 / 战败 / 失控); a
    later level opens a new cycle. A month's contact table is the cycles open in it.
    """

    id = AutoField()
    # Indexed with the close and the meeting in (Meta): a customer's open cycle, index only.
    customer = ForeignKeyField(Customer, backref="cycles", on_delete="CASCADE", index=False)
    opened_at = DateTimeField()
    opened_by = CharField()
    opened_level = CharField()
    met_at = DateTimeField(null=True)
    origin = CharField(null=True)
    met_level = CharField(null=True)
    closed_at = DateTimeField(null=True)
    closed_as = CharField(null=True)
    # While the cycle is open and its customer has a level and a due date (a row the
    # contact table's foot counts): the customer's level, due date and consultant (0: none);
    # else empty. Kept by the store's triggers (migration 0020), never written by the app.
    open_level = CharField(null=True)
    open_due = DateField(null=True)
    open_consultant_id = IntegerField(null=True)

    class Meta:
        indexes = (
            # The table's order and its month, index only: count, seek, keyset.
            (("opened_at", "id", "closed_at", "customer"), False),
            (("customer", "closed_at", "met_at"), False),
            (("met_at",), False),
            (("closed_at",), False),
        )


class OpenByMet(StoreOwned):
    """How many open cycles the contact table's foot counts (``IntentCycle.open_level``),
    by consultant (0: none), level and the month they were met face to face (``YYYY-MM``,
    "" not met: a phone lead) — 上月留存 / 本月新生 without reading 100 000 rows. Kept by the
    store's triggers in the transaction of every change (migration 0020)."""

    id = AutoField()
    consultant_id = IntegerField()
    level = CharField()
    met_month = CharField()
    number = IntegerField()

    class Meta:
        indexes = (
            (("store_id", "consultant_id", "level", "met_month"), True),
            (("store_id", "level", "met_month", "number"), False),  # a store's foot (0026)
        )


class OpenByDue(StoreOwned):
    """The same open cycles by consultant (0: none), level and due date: overdue and due
    today. Kept like ``OpenByMet``."""

    id = AutoField()
    consultant_id = IntegerField()
    level = CharField()
    next_due = DateField()
    number = IntegerField()

    class Meta:
        indexes = (
            (("store_id", "consultant_id", "level", "next_due"), True),
            (("store_id", "next_due", "number"), False),  # a store's foot (0026)
        )


class ReportSignoff(StoreOwned):
    """A manager's signature (签核) under a consultant's daily report (营业日报表) of one day:
    who signed, when, their instructions (主管指示事项) and the report as it stood then
    (``snapshot``, JSON), against which later corrections of that day show as amendments.
    A report signed again after a correction has a row for each signature; the latest is
    the report's (the highest id)."""

    id = AutoField()
    # No index of its own: the (consultant, day) index starts with it.
    consultant = ForeignKeyField(Staff, backref="signoffs", on_delete="CASCADE", index=False)
    consultant_id: int
    day = DateField(index=True)
    signed_by = ForeignKeyField(Staff, null=True, on_delete="SET NULL", index=False)
    signed_by_id: int | None  # None: the store machine's operator signed
    signed_at = DateTimeField()
    instructions = TextField()
    snapshot = TextField()

    class Meta:
        indexes = ((("consultant", "day"), False),)


class SalesTarget(StoreOwned):
    """A consultant's targets for one month (营业目标计划与实际比较表), set by a manager:
    walk-ins received, test drives, orders and deliveries (接待来店 / 试乘试驾 / 订车 / 交车).
    ``model`` "" is the consultant's targets over every model; a model's row counts that
    model only (``frontdesk.reports.targets``)."""

    id = AutoField()
    # No index of its own: the unique (store, month, consultant, model) index holds it.
    consultant = ForeignKeyField(Staff, backref="targets", on_delete="CASCADE", index=False)
    consultant_id: int
    month = DateField()  # the month's first day
    model = CharField(default="")
    walkins = IntegerField(default=0)
    test_drives = IntegerField(default=0)
    orders = IntegerField(default=0)
    deliveries = IntegerField(default=0)
    set_by = ForeignKeyField(Staff, null=True, backref="+", on_delete="SET NULL", index=False)
    set_at = DateTimeField()

    class Meta:
        indexes = ((("store_id", "month", "consultant", "model"), True),)


class DayClose(StoreOwned):
    """The desk's close of a day (日终结账 / 交班, ``desk.day_close``): who closed it, when,
    the day's registrations as they stood (``snapshot``, JSON) against which later
    corrections show as amendments, and a manager's confirmation. A day closed again after
    corrections has a row for each close; the latest (the highest id) is the day's."""

    id = AutoField()
    day = DateField(index=True)
    closed_by = ForeignKeyField(Staff, null=True, backref="+", on_delete="SET NULL", index=False)
    closed_by_id: int | None  # None: the desk nobody signed in to, or the operator
    closed_as = CharField()  # the kind of actor who closed: desk | staff | operator
    closed_at = DateTimeField()
    snapshot = TextField()
    confirmed_by = ForeignKeyField(Staff, null=True, backref="+", on_delete="SET NULL", index=False)
    confirmed_by_id: int | None
    confirmed_as = CharField(null=True)  # staff | operator; None: not confirmed yet
    confirmed_at = DateTimeField(null=True)


class IntervalChange(StoreOwned):
    """A change of a level's follow-up interval (跟进间隔): the days before and after, and
    when. A past day's due dates are planned with the interval then in force."""

    id = AutoField()
    level = CharField()
    days_before = IntegerField()
    days_after = IntegerField()
    at = DateTimeField(index=True)


class CodeItem(StoreOwned):
    """An entry of a store code list: ``kind`` is ``channel`` or ``model``."""

    id = AutoField()
    kind = CharField()
    name = CharField()
    position = IntegerField(default=0)
    active = BooleanField(default=True)

    class Meta:
        indexes = ((("store_id", "kind", "name"), True),)


class GroupCodeItem(BaseModel):
    """An entry of one of the group's code lists (集团代码表): a store with no list of its
    own of that ``kind`` offers the group's (``store.layers``)."""

    id = AutoField()
    kind = CharField()
    name = CharField()
    position = IntegerField(default=0)
    active = BooleanField(default=True)

    class Meta:
        indexes = ((("kind", "name"), True),)


class Draft(StoreOwned):
    """The form a staff member was typing, saved as JSON as they type."""

    id = AutoField()
    owner = CharField()  # staff login, or "" for the desk terminal signed in as nobody
    form = CharField()  # walkin | phone | edit:<registration id>
    payload = TextField()
    updated_at = DateTimeField(default=clock.now)

    class Meta:
        indexes = ((("store_id", "owner", "form"), True),)


class AuditEntry(StoreOwned):
    """One change of the store: who (staff), when, in which session, what."""

    id = AutoField()
    at = DateTimeField(default=clock.now, index=True)
    staff = ForeignKeyField(Staff, null=True, on_delete="SET NULL")
    session = CharField(default="")
    action = CharField()
    entity = CharField()
    entity_id = IntegerField(null=True)
    detail = TextField(default="")

    class Meta:
        # A customer's closes and reassignments (the customer card), a registration's
        # changes (the conflict check): found by what they speak of, not by reading the log.
        indexes = ((("entity", "entity_id"), False),)


class RotationSkip(StoreOwned):
    """A consultant passed over at the head of the up rotation (接待顺序), and why
    (``frontdesk.people.team.SKIP_REASONS``: with a customer, off the floor, declined), who
    skipped them (None: the desk or the operator) and when."""

    id = AutoField()
    # No index of its own: the (staff, at) index starts with it.
    staff = ForeignKeyField(Staff, backref="+", on_delete="CASCADE", index=False)
    staff_id: int
    reason = CharField()  # busy | away | declined
    at = DateTimeField(index=True)
    skipped_by = ForeignKeyField(Staff, null=True, backref="+", on_delete="SET NULL", index=False)
    skipped_by_id: int | None

    class Meta:
        indexes = ((("staff", "at"), False),)


class DutyPeriod(StoreOwned):
    """A spell on duty (当班) of a consultant in the up rotation: from ``started_at`` to
    ``ended_at``, None while still on duty (``frontdesk.people.team``)."""

    id = AutoField()
    # No index of its own: the (staff, started_at) index starts with it.
    staff = ForeignKeyField(Staff, backref="+", on_delete="CASCADE", index=False)
    staff_id: int
    started_at = DateTimeField(index=True)
    ended_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("staff", "started_at"), False),)


class StaffKey(StoreOwned):
    """An SSH public key a staff member signs in with (``frontdesk staff key add``)."""

    id = AutoField()
    staff = ForeignKeyField(Staff, backref="keys", on_delete="CASCADE")
    algorithm = CharField()  # ssh-ed25519, ecdsa-sha2-nistp256, ssh-rsa, …
    public_key = TextField()  # one OpenSSH line: "algorithm base64"
    fingerprint = CharField()  # SHA256:…, as ssh-keygen -l prints it; unique per store
    comment = CharField(default="")
    created_at = DateTimeField(default=clock.now)
    last_used_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("store_id", "fingerprint"), True),)


class PinLockout(StoreOwned):
    """Wrong PINs for one staff member at one terminal (frontdesk.people.pins): five in a row
    lock the name there until ``locked_until``; each lock lasts twice the one before."""

    id = AutoField()
    # No index of its own: the unique (store, staff, terminal) index holds it.
    staff = ForeignKeyField(Staff, backref="pin_lockouts", on_delete="CASCADE", index=False)
    terminal = CharField()  # host:tty, see pins.this_terminal
    failures = IntegerField(default=0)  # wrong PINs since the last lock or the right PIN
    lockouts = IntegerField(default=0)  # locks since the right PIN (the doubling)
    locked_until = DateTimeField(null=True)
    updated_at = DateTimeField(default=clock.now)

    class Meta:
        indexes = ((("store_id", "staff", "terminal"), True),)


ALL_MODELS = (
    Store,
    Person,
    Setting,
    Staff,
    Customer,
    Registration,
    Contact,
    LevelChange,
    CloseApplication,
    IntentCycle,
    OpenByMet,
    OpenByDue,
    IntervalChange,
    ReportSignoff,
    SalesTarget,
    DayClose,
    CodeItem,
    Draft,
    AuditEntry,
    StaffKey,
    PinLockout,
    RotationSkip,
    DutyPeriod,
    GroupSetting,
    GroupCodeItem,
)


def store_owned_models() -> list[type[Model]]:
    """Every store-owned model (deriving from ``StoreOwned``), in the order of ``ALL_MODELS``."""
    return [model for model in ALL_MODELS if issubclass(model, StoreOwned)]
