"""Shared fixtures: a throwaway store per test, a frozen clock, both languages."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from frontdesk import i18n, store

# Tuesday 25 November 2026, 10:30 local time: a weekday morning in the showroom.
FROZEN_NOW = dt.datetime(2026, 11, 25, 10, 30, 0)


@pytest.fixture
def frozen_clock():
    """Freeze the one clock at FROZEN_NOW (tick=False: time stands still)."""
    with time_machine.travel(FROZEN_NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def db_path(tmp_path):
    return str(tmp_path / "frontdesk.db")


@pytest.fixture
def db(db_path, frozen_clock):
    """An empty, migrated store on a file (WAL needs a file), closed after the test."""
    database = store.open_store(db_path)
    yield database
    store.close_store()


@pytest.fixture(autouse=True)
def chinese_by_default():
    """Each test starts in the default language, zh-CN."""
    i18n.set_language(None)
    yield
    i18n.set_language(None)


@pytest.fixture
def showroom(db):
    """A store with two consultants on duty, a receptionist, a manager and two models.

    Memorable names: 王磊 is at the head of the up rotation, 李娜 next.
    """
    from frontdesk import codes, settings
    from frontdesk import staff as staff_service

    settings.put(settings.STORE_NAME, "丰田4S店")
    settings.put(settings.WELCOMED, "1")
    members = {
        "wanglei": staff_service.add_staff("王磊", "consultant"),
        "lina": staff_service.add_staff("李娜", "consultant"),
        "zhaomin": staff_service.add_staff("赵敏", "receptionist"),
        "chenjing": staff_service.add_staff("陈静", "manager"),
    }
    codes.add(codes.MODEL, "凯美瑞", "卡罗拉", "汉兰达", "RAV4荣放")
    return members
