"""The user's own keys: keymap.toml gives a binding's id other keys (as Posting's keymap)."""

from __future__ import annotations

import pytest

from frontdesk import config
from frontdesk.store import settings
from screens import keymap, registry
from screens.app import FrontdeskApp
from screens.desk.day_log import DayLogScreen
from screens.desk.registration_form import RegistrationScreen
from screens.help import HelpScreen
from tests.conftest import screen_text, settle


def app_with_keys(tmp_path, text: str) -> FrontdeskApp:
    path = tmp_path / "keymap.toml"
    path.write_text(text, encoding="utf-8")
    return FrontdeskApp(store_name=settings.store_name(), watch_interval=None, keymap_file=path)


def notices(app) -> list[str]:
    return [notification.message for notification in app._notifications]


async def test_a_new_walk_in_on_another_key_by_file(showroom, tmp_path):
    app = app_with_keys(tmp_path, '# 来店登记用 F8\nwalkin = "f8"\n')
    # 100 columns: a remapped key is drawn last on the footer, and at 80 the log's own keys
    # (with c, the close-out) leave no room for it — the app's keys give way from the end.
    async with app.run_test(size=(100, 24)) as pilot:
        await settle(pilot)
        assert not notices(app)
        assert "f8 来店" in screen_text(app) and "f2 来店" not in screen_text(app)
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, DayLogScreen)
        await pilot.press("f8")
        await settle(pilot)
        assert isinstance(app.screen, RegistrationScreen) and app.screen.kind == "walkin"
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        help_text = screen_text(app)
        assert "F8" in help_text and "F2" not in help_text


async def test_bad_lines_are_left_out_with_one_line_each_and_the_rest_applies(showroom, tmp_path):
    app = app_with_keys(
        tmp_path,
        'walkin = "f8"\nno_such_key = "f9"\nphone = "ctrl+nonsense"\nlog = 4\n',
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        said = notices(app)
        assert len(said) == 3 and all("\n" not in line for line in said), said
        assert "no_such_key" in said[0] and "ctrl+nonsense" in said[1] and "log" in said[2]
        assert not any("Error" in line or "Traceback" in line for line in said)
        await pilot.press("f3")  # phone keeps its key
        await settle(pilot)
        assert isinstance(app.screen, RegistrationScreen) and app.screen.kind == "phone"


async def test_a_file_that_is_not_toml_leaves_every_key_as_it_was(showroom, tmp_path):
    app = app_with_keys(tmp_path, 'walkin = "f8"\nphone = = "f9"\n')
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        path = tmp_path / "keymap.toml"
        assert notices(app) == [f"按键设置 {path} 第 2 行写法有误，整个文件未用：按键保持原样"]
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, RegistrationScreen)


def test_no_file_is_no_keymap_and_no_word(tmp_path):
    assert keymap.load(tmp_path / "absent.toml") == ({}, [])
    assert keymap.load(None) == ({}, [])


def test_a_key_given_to_two_actions_on_one_screen_is_said():
    found, problems = keymap.parse('help = "f3"\n', "keymap.toml")
    assert found == {"help": "f3"}
    assert problems == ["按键设置把 F3 同时给了“帮助”和“来电”：请给其中一个换个键"]


@pytest.mark.parametrize(
    ("written", "named"),
    [
        ("F7", "f7"),
        ("Ctrl+N", "ctrl+n"),
        ("?", "question_mark"),
        (",", "comma"),
        ("x", "x"),
        ("X", "X"),
        ("shift+tab", "shift+tab"),
        ("full_stop", "full_stop"),
        ("ctrl+ctrl+a", None),
        ("hyperdrive+a", None),
        ("ctrl+nonsense", None),
        ("", None),
        (" ", None),
    ],
)
def test_keys_are_named_as_textual_names_them(written, named):
    assert keymap.key_name(written) == named


def test_several_keys_for_one_action():
    assert keymap.parse('save = "ctrl+s, F10"\n', "k")[0] == {"save": "ctrl+s,f10"}


def test_every_key_of_the_app_has_an_id_to_remap_it_by():
    missing = [
        (cls.__qualname__, binding)
        for cls in registry.keyed_classes()
        for binding in cls.__dict__["BINDINGS"]
        if not getattr(binding, "id", None)
    ]
    assert not missing, missing
    assert {"walkin", "phone", "log", "statistics", "contacts", "save", "duty"} <= set(
        registry.binding_ids()
    )


def test_the_keymap_lives_in_the_users_config_folder(monkeypatch, tmp_path):
    monkeypatch.delenv(config.ENV_KEYMAP, raising=False)
    assert config.resolve_keymap().name == "keymap.toml"
    assert config.resolve_keymap().parent.name == "frontdesk"
    monkeypatch.setenv(config.ENV_KEYMAP, str(tmp_path / "mine.toml"))
    assert config.resolve_keymap() == tmp_path / "mine.toml"
