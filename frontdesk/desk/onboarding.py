"""First run on an empty store: the store's name, its staff and its models."""

from __future__ import annotations

import re

from frontdesk.people import team
from frontdesk.people.actor import OPERATOR, Actor
from frontdesk.store import codes, settings
from frontdesk.store.models import Registration, Staff, database


def split_names(text: str) -> list[str]:
    """Names typed in one field, separated by commas (, ，、) or semicolons."""
    parts = re.split(r"[,，、;；]+", text or "")
    return [name for name in (part.strip() for part in parts) if name]


def setting_up(by: Actor) -> Actor:
    """Who acts while a store is set up: on a store with no staff yet there is nobody to
    check against, so whoever is at it (the first-run welcome, ``demo``) is its operator;
    once it has staff, ``by`` is checked like everywhere else."""
    return OPERATOR if not Staff.select().exists() else by


def needs_welcome() -> bool:
    """An empty store that has never been set up (or skipped) gets the welcome screen."""
    if settings.is_welcomed():
        return False
    return not Staff.select().exists() and not Registration.select().exists()


def set_up_store(
    store_name: str,
    consultants: str = "",
    receptionists: str = "",
    managers: str = "",
    models: str = "",
    *,
    by: Actor,
) -> str:
    """Name the store and add its staff and models, in one transaction; returns the name."""
    with database.atomic():
        by = setting_up(by)
        if store_name.strip():
            settings.put(settings.STORE_NAME, store_name.strip())
        for role, names in (
            ("consultant", consultants),
            ("receptionist", receptionists),
            ("manager", managers),
        ):
            for name in split_names(names):
                if team.find_staff(name) is None:
                    team.add_staff(name, role, by=by)
        codes.add(codes.MODEL, *split_names(models))
        settings.put(settings.WELCOMED, "1")
    return settings.store_name()


def skip_welcome() -> None:
    settings.put(settings.WELCOMED, "1")
