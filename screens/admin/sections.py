"""What the admin screen's four pages show: the staff, the SSH keys, the settings, the code
lists — read in one worker, laid out as table rows of user text (never markup)."""

from __future__ import annotations

from dataclasses import dataclass, field

from rich.cells import cell_len
from rich.text import Text

from frontdesk.i18n import t
from frontdesk.people import keys, pins, roles, team
from frontdesk.people.actor import Actor
from frontdesk.store import codes, layers, settings
from frontdesk.store.models import Staff, StaffKey

SECTIONS = ("staff", "keys", "settings", "codes")

# Widths (in cells) past which a cell is cut with "…"; the line under the table shows it whole.
NAME_WIDTH = 12
LOGIN_WIDTH = 12
FINGERPRINT_WIDTH = 20
ABOUT_WIDTH = 40  # at 80 columns; wider terminals show more (``about_width``)
VALUE_WIDTH = 14
CODE_WIDTH = 24
DAY_FORMAT = "%Y-%m-%d"


@dataclass(frozen=True)
class AdminData:
    """Everything the four pages show, as read in one go."""

    staff: list[Staff]
    key_counts: dict[int, int]
    keys: list[StaffKey]
    settings: list[tuple[settings.Known, str | None]]
    codes: list[codes.Code]
    # The group's default of each setting it has one of (what holds without the store's own).
    group_values: dict[str, str] = field(default_factory=dict)


def load(by: Actor) -> AdminData:
    """The staff, keys, settings and code lists (call in a store thread)."""
    roles.require(by, roles.STAFF_MANAGE)
    roles.require(by, roles.SETTINGS_MANAGE)
    return AdminData(
        staff=team.list_staff(),
        key_counts=keys.key_counts(by=by),
        keys=keys.list_keys(by=by),
        settings=settings.known(),
        codes=codes.list_codes(by=by),
        group_values={
            held.entry.key: held.value
            for held in settings.group_defaults()
            if held.source == layers.GROUP
        },
    )


def cut(text: str, width: int) -> str:
    """``text`` in at most ``width`` cells, ending in "…" when it had to be cut."""
    if cell_len(text) <= width:
        return text
    kept = ""
    for character in text:
        if cell_len(kept + character) > width - 1:
            break
        kept += character
    return kept + "…"


def cell(text: str, style: str = "") -> Text:
    return Text(text, style=style, no_wrap=True)


def columns(section: str) -> list[str]:
    keys_ = {
        "staff": ("login", "name", "role", "state", "duty", "pin", "keys"),
        "keys": ("key_id", "name", "key_type", "fingerprint", "added", "used"),
        "settings": ("setting", "value", "default"),
        "codes": ("code_kind", "code_name", "code_state", "code_uses"),
    }[section]
    return [t(f"admin.col.{key}") for key in keys_]


def staff_rows(data: AdminData) -> list[tuple[str, list[Text]]]:
    rows = []
    for member in data.staff:
        style = "" if member.active else "dim"
        duty = t("admin.not_in_rotation")
        if member.role == "consultant":
            duty = t("admin.on_duty") if member.on_duty else t("admin.off_duty")
        cells = [
            cut(member.login, LOGIN_WIDTH),
            cut(member.name, NAME_WIDTH),
            roles.role_label(member.role),
            t("admin.active") if member.active else t("admin.inactive"),
            duty,
            t("admin.pin_set") if member.pin_hash else t("admin.pin_none"),
            str(data.key_counts.get(member.id, 0)),
        ]
        rows.append((str(member.id), [cell(text, style) for text in cells]))
    return rows


def key_type(algorithm: str) -> str:
    """ssh-ed25519 → ed25519, ecdsa-sha2-nistp256 → nistp256, ssh-rsa → rsa."""
    return algorithm.removeprefix("ssh-").removeprefix("ecdsa-sha2-")


def key_rows(data: AdminData) -> list[tuple[str, list[Text]]]:
    rows = []
    for row in data.keys:
        used = row.last_used_at.strftime(DAY_FORMAT) if row.last_used_at else t("admin.never")
        cells = [
            str(row.id),
            cut(row.staff.name, NAME_WIDTH),
            key_type(row.algorithm),
            cut(row.fingerprint, FINGERPRINT_WIDTH),
            row.created_at.strftime(DAY_FORMAT),
            used,
        ]
        rows.append((str(row.id), [cell(text) for text in cells]))
    return rows


def about_width(screen_width: int) -> int:
    """How wide the settings' descriptions may be: what the value columns leave."""
    return max(ABOUT_WIDTH, screen_width - 80 + ABOUT_WIDTH)


def setting_rows(data: AdminData, width: int = ABOUT_WIDTH) -> list[tuple[str, list[Text]]]:
    rows = []
    for entry, stored in data.settings:
        value = stored if stored is not None else t("admin.default_value")
        if stored is None and entry.key in data.group_values:
            value = t("admin.group_value", value=data.group_values[entry.key])
        cells = [
            cut(entry.description, width),
            cut(value, VALUE_WIDTH),
            cut(entry.default or t("admin.empty_value"), VALUE_WIDTH),
        ]
        style = "" if stored is not None else "dim"
        rows.append((entry.key, [cell(cells[0]), cell(cells[1], style), cell(cells[2])]))
    return rows


def code_rows(data: AdminData) -> list[tuple[str, list[Text]]]:
    rows = []
    for code in data.codes:
        style = "" if code.active else "dim"
        cells = [
            codes.kind_label(code.kind),
            cut(code.name, CODE_WIDTH),
            t("codes.active") if code.active else t("codes.retired"),
            str(code.uses),
        ]
        rows.append((str(code.id), [cell(text, style) for text in cells]))
    return rows


def rows_of(section: str, data: AdminData, screen_width: int) -> list[tuple[str, list[Text]]]:
    """The rows of one page, for a screen this wide."""
    if section == "settings":
        return setting_rows(data, about_width(screen_width))
    return {"staff": staff_rows, "keys": key_rows, "codes": code_rows}[section](data)


def staff_detail(member: Staff) -> str:
    if member.active and member.pin_hash is None and member.role in pins.PIN_ROLES:
        return t("admin.pin_needed", name=member.name, role=roles.role_label(member.role))
    state = t("admin.active") if member.active else t("admin.inactive")
    return t(
        "admin.staff_detail",
        name=member.name,
        login=member.login,
        role=roles.role_label(member.role),
        state=state,
    )


def key_detail(row: StaffKey) -> str:
    detail = t("admin.key_detail", name=row.staff.name, id=row.id, fingerprint=row.fingerprint)
    return f"{detail}  {row.comment}".rstrip()


def setting_detail(entry: settings.Known) -> str:
    default = entry.default or t("admin.empty_value")
    return t("admin.setting_detail", about=entry.description, key=entry.key, default=default)


def code_detail(code: codes.Code) -> str:
    on = (
        "admin.code_detail_registrations"
        if code.kind in (codes.CHANNEL, codes.MODEL)
        else "admin.code_detail_customers"
    )
    state = t("codes.active") if code.active else t("codes.retired")
    detail = t(on, kind=codes.kind_label(code.kind), name=code.name, state=state, count=code.uses)
    if code.source == layers.GROUP:
        return f"{detail} · {t('admin.code_of_group')}"
    return detail
