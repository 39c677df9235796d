"""The user's own keys (自定义按键): ``keymap.toml`` gives a binding's id another key.

As in Posting, each key of the app has an id (the README's "Every key" lists them), and a
line of the file gives it other keys; the file is read when the app starts::

    walkin = "f8"          # a new walk-in on F8 instead of F2
    save = "ctrl+s,f10"    # several keys: commas between them

An id names its action on every screen that has it (``save`` is Ctrl+S on every form). A
line that is not right is left out with a one-line message saying why; the others apply.
The footer, F1 and the command palette show the keys as the file has them.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from pathlib import Path

from textual.app import App
from textual.keys import KEY_NAME_REPLACEMENTS, Keys, key_to_character
from textual.screen import Screen

from frontdesk.i18n import t
from screens import registry
from screens.bindings import key_label

log = logging.getLogger("frontdesk.screens")

MODIFIERS = frozenset({"ctrl", "shift", "alt", "meta", "super", "hyper"})
NAMED_KEYS = frozenset(
    key.value for key in Keys if "+" not in key.value and not key.value.startswith("<")
) | frozenset(KEY_NAME_REPLACEMENTS.values())

Keymap = dict[str, str]


def key_name(text: str) -> str | None:
    """``text`` as Textual names the key (``Ctrl+N`` → ``ctrl+n``, ``?`` stays), or None when
    it is not a key."""
    *modifiers, base = text.strip().split("+")
    modifiers = [modifier.strip().lower() for modifier in modifiers]
    if any(m not in MODIFIERS for m in modifiers) or len(set(modifiers)) < len(modifiers):
        return None
    base = base.strip()
    if len(base) > 1:
        base = base.lower()
        return (
            "+".join([*modifiers, base]) if base in NAMED_KEYS or key_to_character(base) else None
        )
    if not base or not base.isprintable() or base.isspace():
        return None
    if modifiers:  # Ctrl+N is ctrl+n; a capital alone is the character typed (X)
        base = base.lower()
    if not base.isalnum():  # as Textual names it: "?" is question_mark
        name = unicodedata.name(base, base).lower().replace("-", "_").replace(" ", "_")
        base = KEY_NAME_REPLACEMENTS.get(name, name)
    return "+".join([*modifiers, base])


def clashes(keymap: Keymap) -> list[str]:
    """A sentence for each key the keymap gives to an action while another action on the
    same screen (or the app, everywhere) still has it."""
    if not keymap:
        return []
    classes = registry.keyed_classes()
    app_bindings = [b for c in classes if issubclass(c, App) for b in registry.own_bindings(c)]
    told: set[tuple[str, ...]] = set()
    found = []
    for cls in classes:
        bindings = registry.own_bindings(cls)
        if issubclass(cls, Screen):
            bindings += app_bindings
        holders: dict[str, dict[str, str]] = {}  # key → {binding id: description}
        for binding in bindings:
            keys = keymap.get(binding.id or "", binding.key)
            for key in keys.split(","):
                holders.setdefault(key_name(key) or key, {})[binding.id or ""] = binding.description
        for key, ids in holders.items():
            clash = tuple(sorted(ids))
            if len(ids) > 1 and any(i in keymap for i in ids) and clash not in told:
                told.add(clash)
                first, second = (t(ids[i]) for i in clash[:2])
                found.append(t("keymap.clash", key=key_label(key), first=first, second=second))
    return found


def parse(text: str, where: str) -> tuple[Keymap, list[str]]:
    """The keymap in ``text`` (the file ``where``), and a sentence for each line left out."""
    import tomllib  # only for a user with a keymap file

    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        line = re.search(r"line (\d+)", str(error))
        if line:
            return {}, [t("keymap.not_toml_line", path=where, line=line[1])]
        return {}, [t("keymap.not_toml", path=where)]
    known = registry.binding_ids()
    keymap: Keymap = {}
    problems: list[str] = []
    for binding_id, value in document.items():
        if binding_id not in known:
            problems.append(t("keymap.unknown_id", path=where, id=binding_id))
            continue
        if not isinstance(value, str) or not value.strip():
            problems.append(t("keymap.not_text", path=where, id=binding_id))
            continue
        parts = value.split(",")
        keys = [key_name(part) for part in parts]
        if None in keys:
            bad = parts[keys.index(None)].strip()
            problems.append(t("keymap.bad_key", path=where, id=binding_id, key=bad))
            continue
        keymap[binding_id] = ",".join(key for key in keys if key)
    return keymap, problems + clashes(keymap)


def load(path: Path | None) -> tuple[Keymap, list[str]]:
    """The keymap in the file at ``path`` (none there: no keymap, and no word about it)."""
    if path is None:
        return {}, []
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}, []
    except (OSError, UnicodeDecodeError):
        log.exception("could not read the keymap %s", path)
        return {}, [t("keymap.unreadable", path=str(path))]
    return parse(text, str(path))
