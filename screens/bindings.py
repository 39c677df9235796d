"""Key bindings whose descriptions come from the catalogue.

Bindings are declared with catalogue keys as descriptions (``"key.save"``) and translated
when a screen or widget is created, so the footer, the F1 help screen and the command
palette all speak the user's language.
"""

from __future__ import annotations

from dataclasses import replace

from textual.binding import Binding, BindingsMap
from textual.dom import DOMNode

from frontdesk.i18n import t


def translated(binding: Binding) -> Binding:
    """A copy of ``binding`` with its description and tooltip read from the catalogue."""
    group = binding.group
    if group is not None:
        group = replace(group, description=t(group.description))
    return replace(
        binding,
        description=t(binding.description) if binding.description else "",
        tooltip=t(binding.tooltip) if binding.tooltip else "",
        group=group,
    )


def translate_bindings(node: DOMNode) -> None:
    """Translate the bindings of one widget, screen or app in place (call in ``__init__``)."""
    node._bindings = BindingsMap.from_keys(
        {
            key: [translated(binding) for binding in bindings]
            for key, bindings in node._bindings.key_to_bindings.items()
        }
    )


def key_label(key: str) -> str:
    """How a key is written on the help screen: ``ctrl+s`` → ``Ctrl+S``, ``o`` stays ``o``."""
    names = {
        "escape": "Esc",
        "enter": "Enter",
        "tab": "Tab",
        "shift+tab": "Shift+Tab",
        "left": "←",
        "right": "→",
        "up": "↑",
        "down": "↓",
        "pageup": "PgUp",
        "pagedown": "PgDn",
        "comma": ",",
        "full_stop": ".",
        "slash": "/",
        "left_square_bracket": "[",
        "right_square_bracket": "]",
        "question_mark": "?",
    }

    def one(part: str) -> str:
        if part in names or len(part) == 1:
            return names.get(part, part)
        return "+".join(
            word.capitalize() if len(word) > 1 else word.upper() for word in part.split("+")
        )

    return ", ".join(one(part) for part in key.split(","))


def group_key(action: str, binding_id: str) -> Binding:
    """``g``: a group manager's switch between this store and the group (集团/本店), the
    same words on F5 and on F7's pages."""
    return Binding("g", action, "stats.key.group", tooltip="stats.help.group_key", id=binding_id)
