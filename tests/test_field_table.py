"""The registration's field table: every part of the app reads it, so that adding a field
is one entry (plus a migration). Shown on a copy of the table with a plate number (车牌)."""

from __future__ import annotations

import pytest
from peewee import Model, SqliteDatabase
from textual.widgets import Input, Label

from frontdesk import i18n
from frontdesk.desk import fields, importer, registration_input
from frontdesk.desk.fields import FIELDS, Option, RegistrationField, ValueType, Widget
from frontdesk.desk.registration_input import RegistrationInput
from frontdesk.errors import ValidationError
from frontdesk.people.actor import OPERATOR
from frontdesk.store import models
from frontdesk.store.models import Registration, Staff
from screens.desk.registration_form import RegistrationScreen
from tests.conftest import FROZEN_NOW, settle

PLATE = RegistrationField(
    "plate",
    ValueType.TEXT,
    "form.plate",
    ("plate", "车牌"),
    Option("--plate", "cli.reg_plate", "P"),
    widget=Widget.TEXT,
    max_length=10,
)


@pytest.fixture
def with_plate(monkeypatch) -> fields.FieldTable:
    """A copy of the table with a plate number before the notes, and its label."""
    monkeypatch.setitem(i18n.catalogue("zh_CN"), "form.plate", "车牌")
    monkeypatch.setitem(i18n.catalogue("en"), "form.plate", "Plate")
    return (*FIELDS[:-1], PLATE, FIELDS[-1])


def test_every_catalogue_key_the_table_names_exists_in_both_languages():
    known = set(i18n.catalogue("zh_CN")) & set(i18n.catalogue("en"))
    named = {
        key
        for field in FIELDS
        for key in (
            field.label,
            field.hint,
            field.phone_label,
            field.message,
            field.option.help if field.option else "",
        )
        if key
    }
    assert named - known == set()


def test_the_registration_model_has_a_column_per_field():
    assert [name for name in Registration._meta.fields if name in {f.name for f in FIELDS}] == [
        "kind",
        "time_in",
        "time_out",
        "phone",
        "name",
        "gender",
        "party_size",
        "model",
        "colour",
        "channel",
        "source",
        "level",
        "consultant",
        "test_drive",
        "quote",
        "ordered",
        "notes",
    ]
    assert Registration.consultant.rel_model is Staff
    assert Staff.registrations.field is Registration.consultant


@pytest.fixture
def plate_model(with_plate):
    """The registration model's form columns built from the copy, on a database of its own."""
    scratch = SqliteDatabase(":memory:")

    class PlateRegistration(Model):
        class Meta:
            database = scratch
            table_name = "registration"

    models.add_form_columns(PlateRegistration, with_plate)
    scratch.create_tables([PlateRegistration])
    yield PlateRegistration
    for field in list(PlateRegistration._meta.refs):  # the consultant's, on Staff
        PlateRegistration._meta.remove_ref(field)
        delattr(Staff, field.backref)
    scratch.close()


def test_a_new_field_gets_its_column(plate_model):
    database = plate_model._meta.database
    columns = {
        name: (declared, bool(notnull))
        for _, name, declared, notnull, _, _ in database.execute_sql(
            'PRAGMA table_info("registration")'
        )
    }
    assert columns["plate"] == ("VARCHAR(255)", True)
    assert columns["party_size"] == ("INTEGER", True)
    assert columns["consultant_id"] == ("INTEGER", False)
    assert list(columns)[-2:] == ["plate", "notes"]


def test_a_new_field_is_cleaned_by_its_type_and_stored(showroom, plate_model, with_plate):
    typed = RegistrationInput.with_fields(with_plate, time_in="10:00", plate=" 沪A\x1b12345 ")
    cleaned = registration_input.clean(typed)
    assert cleaned.plate == "沪A12345"  # trimmed, the control character dropped
    saved = plate_model.create(**cleaned.as_dict())
    assert plate_model.get_by_id(saved.id).plate == "沪A12345"

    too_long = RegistrationInput.with_fields(with_plate, time_in="10:00", plate="沪A123456789")
    with pytest.raises(ValidationError) as refused:
        registration_input.clean(too_long)
    assert refused.value.errors == {"plate": "太长：最多 10 个字"}
    assert refused.value.lines() == ["车牌: 太长：最多 10 个字"]


def test_a_new_field_is_a_column_the_importer_reads(showroom, tmp_path, with_plate):
    path = tmp_path / "log.csv"
    path.write_text("类别,来店时间,车牌\n来店,2026-11-25 10:00,沪A123456789\n", encoding="utf-8")
    result = importer.import_file(path, by=OPERATOR, fields=with_plate)
    assert result.errors == [(2, "车牌", "太长：最多 10 个字")]
    assert Registration.select().count() == 0

    path.write_text("kind,time_in,Plate\nwalkin,10:00,沪A12345\n", encoding="utf-8")
    assert importer.import_file(path, by=OPERATOR, fields=with_plate).imported == 1

    path.write_text("kind,time_in,车架号\nwalkin,10:00,x\n", encoding="utf-8")
    with pytest.raises(importer.ImportFileError) as unknown:
        importer.import_file(path, by=OPERATOR, fields=with_plate)
    assert "order/ordered, plate/车牌, notes/备注" in str(unknown.value)


def test_the_registration_table_itself_has_no_plate(showroom, tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("类别,来店时间,车牌\n来店,10:00,沪A12345\n", encoding="utf-8")
    with pytest.raises(importer.ImportFileError, match="无法识别的列名：车牌"):
        importer.import_file(path, by=OPERATOR)


async def test_a_new_field_gets_its_widget_on_the_form(showroom, make_app, with_plate):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        form = RegistrationScreen("walkin", table=with_plate)
        app.push_screen(form)
        await settle(pilot)
        assert [field.widget_id for field in form.fields()] == [
            "phone",
            "name",
            "gender",
            "party-size",
            "model",
            "channel",
            "source",
            "level",
            "consultant",
            "test-drive",
            "quote",
            "order",
            "plate",
            "notes",
            "time-in",
        ]
        plate = form.query_one("#plate", Input)
        assert plate.max_length == 10
        assert str(form.query_one("#row-plate Label", Label).render()) == "车牌"
        plate.focus()
        await pilot.press(*"沪A12345", "enter")
        await settle(pilot)
        assert form.focused is form.query_one("#notes", Input)
        typed = form.to_input()
        assert (typed.plate, typed.kind, typed.time_in) == ("沪A12345", "walkin", FROZEN_NOW)
