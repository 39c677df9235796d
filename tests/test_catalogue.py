"""The message catalogues: both languages complete, and every key the code uses exists."""

from __future__ import annotations

import marshal
import re
import string
from pathlib import Path

import pytest

from frontdesk import i18n

ROOT = Path(__file__).resolve().parent.parent
SOURCE_DIRS = (ROOT / "frontdesk", ROOT / "screens")

# t("key"), t('key'), t(f"key.{dynamic}"), i18n.t("key", name=...): the first argument.
T_CALL = re.compile(
    r"""(?<![\w])t\(\s*(?P<prefix>[rRfF]{0,2})(?P<quote>["'])(?P<key>[^"'\n]*)(?P=quote)"""
)


def _catalogue(language: str) -> dict[str, str]:
    i18n.catalogue.cache_clear()  # read the files as they are now
    return i18n.catalogue(language)


def _keys_used() -> list[tuple[str, str, bool]]:
    """(key, where, dynamic) for every t(...) call with a literal first argument."""
    found = []
    for folder in SOURCE_DIRS:
        for path in sorted(folder.rglob("*.py")):
            text = path.read_text(encoding="utf-8")
            for match in T_CALL.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                where = f"{path.relative_to(ROOT)}:{line}"
                dynamic = "f" in match["prefix"].lower() and "{" in match["key"]
                found.append((match["key"], where, dynamic))
    return found


def _placeholders(message: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(message) if name is not None}


def test_both_languages_have_the_same_keys():
    chinese, english = _catalogue("zh_CN"), _catalogue("en")
    missing_in_en = sorted(set(chinese) - set(english))
    missing_in_zh = sorted(set(english) - set(chinese))
    assert not missing_in_en, f"missing in en.toml: {missing_in_en}"
    assert not missing_in_zh, f"missing in zh_CN.toml: {missing_in_zh}"


@pytest.mark.parametrize("language", i18n.LANGUAGES)
def test_no_message_is_empty(language):
    empty = sorted(key for key, value in _catalogue(language).items() if not value.strip())
    assert not empty, f"empty in {language}.toml: {empty}"


def test_placeholders_agree_between_languages():
    chinese, english = _catalogue("zh_CN"), _catalogue("en")
    differing = {
        key: (sorted(_placeholders(chinese[key])), sorted(_placeholders(english[key])))
        for key in set(chinese) & set(english)
        if _placeholders(chinese[key]) != _placeholders(english[key])
    }
    assert not differing, f"placeholders differ (zh_CN, en): {differing}"


@pytest.mark.parametrize("language", i18n.LANGUAGES)
def test_every_message_formats(language):
    for key, message in _catalogue(language).items():
        message.format(**{name: "x" for name in _placeholders(message)})  # no stray braces
        assert key.count(".") >= 1, key


def test_the_scanner_finds_the_calls_it_must_find():
    sample = 't("form.phone") i18n.t(\'error.level\', x=1) t(f"error.unknown_{key}") put("x")'
    keys = [(m["key"], m["prefix"]) for m in T_CALL.finditer(sample)]
    assert keys == [("form.phone", ""), ("error.level", ""), ("error.unknown_{key}", "f")]
    assert len(_keys_used()) > 20  # registration.py and staff.py alone use more


def test_every_key_used_in_the_code_exists():
    known = set(_catalogue("zh_CN")) & set(_catalogue("en"))
    missing = []
    for key, where, dynamic in _keys_used():
        if dynamic:
            # t(f"error.unknown_{key}"): at least one key must fit the pattern.
            pattern = re.compile(".+".join(map(re.escape, re.split(r"\{[^{}]*\}", key))))
            if not any(pattern.fullmatch(candidate) for candidate in known):
                missing.append(f"{where}: {key}")
        elif key not in known:
            missing.append(f"{where}: {key}")
    assert not missing, "keys not in the catalogue:\n" + "\n".join(missing)


def test_the_language_is_chosen_and_missing_keys_show_themselves():
    assert i18n.set_language("en_US.UTF-8") == "en"
    assert i18n.t("form.phone") == "Phone"
    assert i18n.t("error.too_long", limit=40) == "Too long: at most 40 characters"
    assert i18n.set_language("zh-CN") == "zh_CN"
    assert i18n.t("form.phone") == "电话"
    assert i18n.t("no.such.key") == "no.such.key"
    assert i18n.set_language("fr") == "zh_CN"


# Words a showroom manager reads: what each retired word is said as now.
RETIRED = {
    "结案": "关闭线索 (the action) or 跟进中 (a customer still open)",  # reads like insurance
    "接待轮序": "接待顺序",
    "老客户": "已建档客户 (a prospect on file): in a 4S store 老客户 is an owner",
}
BARE_SOURCE = re.compile(r"(?<!信息)来源(?!区分)")  # 来源 alone names the channel or 来源区分


def test_the_chinese_catalogue_says_what_a_manager_says():
    chinese = _catalogue("zh_CN")
    for word, instead in RETIRED.items():
        used = sorted(key for key, message in chinese.items() if word in message)
        assert not used, f"{word} in {used}: say {instead}"
    bare = sorted(key for key, message in chinese.items() if BARE_SOURCE.search(message))
    assert not bare, f"来源 alone in {bare}: say 信息来源 or 来源区分"
    # An order taken is 订车; 成交 is a delivered deal, which the statistics do not count.
    deals = sorted(
        k for k, message in chinese.items() if k.startswith("stats.") and "成交" in message
    )
    assert not deals, f"成交 for an order in {deals}: say 订车"
    assert (chinese["stats.fig.orders"], chinese["stats.fig.order_rate"]) == ("订车", "订车率")


@pytest.fixture
def own_locales(tmp_path, monkeypatch):
    """A locales folder of the test's own, and no table read from the real one kept."""
    monkeypatch.setattr(i18n, "LOCALES_DIR", tmp_path)
    i18n.catalogue.cache_clear()
    yield tmp_path
    i18n.catalogue.cache_clear()


def test_a_catalogue_read_once_is_kept_and_read_again_when_its_file_changes(own_locales):
    source = own_locales / "en.toml"
    source.write_text('[form]\nphone = "Phone"\n', encoding="utf-8")
    assert i18n.catalogue("en") == {"form.phone": "Phone"}
    (kept,) = (own_locales / "__pycache__").glob("en.*.marshal")
    kept.write_bytes(marshal.dumps({"form.phone": "kept"}))
    i18n.catalogue.cache_clear()
    assert i18n.catalogue("en") == {"form.phone": "kept"}  # the table kept, not the file

    source.write_text('[form]\nphone = "Telephone"\n', encoding="utf-8")
    i18n.catalogue.cache_clear()
    assert i18n.catalogue("en") == {"form.phone": "Telephone"}
    assert len(list((own_locales / "__pycache__").glob("en.*.marshal"))) == 1  # the old: gone


def test_a_damaged_kept_table_is_read_from_the_file_instead(own_locales):
    (own_locales / "en.toml").write_text('[form]\nname = "Name"\n', encoding="utf-8")
    i18n.catalogue("en")
    (kept,) = (own_locales / "__pycache__").glob("en.*.marshal")
    kept.write_bytes(b"\x00not marshal")
    i18n.catalogue.cache_clear()
    assert i18n.catalogue("en") == {"form.name": "Name"}
