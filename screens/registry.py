"""What each screen declares about itself: the app, the help (F1) and the palette read it here.

The app never tests which screen it shows. A screen says what it does:

- **its keys**: ``BINDINGS``, each with an ``id`` (the name a user remaps it by in
  ``keymap.toml``) and catalogue keys for its words; ``ACTION_RIGHTS`` for the ``roles``
  right an action needs (``screens.access``). The command palette lists the keys of the
  screen it is opened on, the footer shows them, F1 lists them;
- **its entry**, with the ``@registry.screen(...)`` decorator: its F1 section, the place it
  belongs to (``LOG`` today's log, ``STATISTICS`` F5, ``CONTACTS`` F6 — each the name of the
  app's action that goes there), whether the place's key opens it, the app's keys that wait
  while it is shown (a form must be saved or cancelled first), and the action that leaves it
  when F4 is pressed;
- **what it holds**, by having the method (``typing.Protocol``, checked at run time):
  ``refresh_data()`` — it shows stored data and reloads it when another terminal commits
  (``ShowsStoredData``); ``pending_draft()`` — it holds typing the store should keep as a
  draft when the terminal goes away (``KeepsDraft``).

Screens register when their module is imported; ``discover`` imports every module under
``screens`` once, so a new area's screens are found without the app naming them.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Protocol, TypeVar, runtime_checkable

from textual.binding import Binding
from textual.dom import DOMNode

# The app's places: each is also the name of the app action (its F-key) that goes there.
LOG = "log"  # 今日来店(电)登记表, F4: the home screen under every other
STATISTICS = "statistics"  # 展厅来店(电)统计表, F5
CONTACTS = "contacts"  # 意向客户接触状况表, F6
REPORTS = "reports"  # the manager's reports: the daily report (营业日报表) and its sign-off, F7
ADMIN = "admin"  # the admin's pages: staff, SSH keys, settings, code lists, F9

Draft = tuple[str, str, dict]  # (owner, form, payload), as ``drafts.save_draft`` takes them


@runtime_checkable
class ShowsStoredData(Protocol):
    """A screen that shows what is in the store, and reloads it when the store changed."""

    def refresh_data(self) -> None: ...


@runtime_checkable
class KeepsDraft(Protocol):
    """A screen with typing to keep (草稿) if the terminal goes away: read on the UI thread,
    between two bytecodes of a signal handler, so it only reads its fields."""

    def pending_draft(self) -> Draft | None: ...


@dataclass(frozen=True)
class HelpRow:
    """A line of F1 for keys a screen's widgets handle without a binding of the screen.

    ``action``: the screen's action the key runs, so that a role without its right does not
    see it (``screens.access``)."""

    keys: str  # as shown: "Enter", "Tab, Shift+Tab", "↑ ↓ PgUp PgDn"
    text: str  # catalogue key
    action: str | None = None


OWN_KEYS = "own keys"  # in ``help``: the place of the screen's own BINDINGS among the rows

HelpItem = HelpRow | type[DOMNode] | str  # a row, a widget whose BINDINGS are listed, OWN_KEYS


@dataclass(frozen=True)
class ScreenEntry:
    """One screen (or the app) as the registry knows it."""

    node: type[DOMNode]
    section: str | None = None  # catalogue key of its F1 section; None: not on F1
    order: int = 0  # F1 lists the sections by this (gaps of 10 leave room)
    right: str | None = None  # the roles right its F1 section needs
    help: tuple[HelpItem, ...] = (OWN_KEYS,)
    place: str | None = None  # LOG, STATISTICS, CONTACTS, REPORTS or ADMIN; None for dialogs
    entrance: bool = False  # the place's key opens this screen (F5: the day's statistics)
    holds: frozenset[str] = field(default_factory=frozenset)  # app actions that wait here
    leave: str | None = None  # its action that leaves it for the log (F4): cancel, close


_entries: dict[type[DOMNode], ScreenEntry] = {}
_discovered = False

N = TypeVar("N", bound=type[DOMNode])


def screen(
    *,
    section: str | None = None,
    order: int = 0,
    right: str | None = None,
    help: Iterable[HelpItem] = (OWN_KEYS,),
    place: str | None = None,
    entrance: bool = False,
    holds: Iterable[str] = (),
    leave: str | None = None,
) -> Callable[[N], N]:
    """Register the decorated screen (or app) class; see ``ScreenEntry`` for each argument."""

    def register(node: N) -> N:
        _entries[node] = ScreenEntry(
            node,
            section=section,
            order=order,
            right=right,
            help=tuple(help),
            place=place,
            entrance=entrance,
            holds=frozenset(holds),
            leave=leave,
        )
        return node

    return register


def discover() -> None:
    """Import every module under ``screens`` once, so that every screen has registered."""
    global _discovered
    if _discovered:
        return
    import screens

    for module in pkgutil.walk_packages(screens.__path__, "screens."):
        if not module.name.rpartition(".")[2].startswith("_"):  # never a __main__ to run
            importlib.import_module(module.name)
    _discovered = True


def entries() -> list[ScreenEntry]:
    """Every registered screen with an F1 section, in the order of the sections."""
    discover()
    return sorted((e for e in _entries.values() if e.section), key=lambda e: e.order)


def entry_of(node: DOMNode | type[DOMNode] | None) -> ScreenEntry | None:
    """The entry of ``node``'s class (or the nearest registered class it derives from)."""
    if node is None:
        return None
    cls = node if isinstance(node, type) else type(node)
    return next((_entries[c] for c in cls.__mro__ if c in _entries), None)


def entrance(place: str) -> type[DOMNode] | None:
    """The screen the key of ``place`` opens (F5: the day's statistics)."""
    discover()
    return next((e.node for e in _entries.values() if e.place == place and e.entrance), None)


def hidden_app_actions(node: DOMNode) -> frozenset[str]:
    """The app's actions that do nothing on ``node``: those it holds, and the key of its own
    place (F6 on the contact table)."""
    entry = entry_of(node)
    if entry is None:
        return frozenset()
    return entry.holds | ({entry.place} if entry.place else set())


def keyed_classes() -> list[type[DOMNode]]:
    """Every class under ``screens`` (the app, screens, widgets) that declares BINDINGS."""
    discover()
    found: list[type[DOMNode]] = []
    todo: list[type] = [DOMNode]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.startswith("screens.") and "BINDINGS" in cls.__dict__:
            found.append(cls)
    return found


def own_bindings(cls: type[DOMNode]) -> list[Binding]:
    """The bindings ``cls`` and its bases declare, base classes first: not Textual's own
    (a screen's Tab between fields, its English Quit)."""
    found: list[Binding] = []
    for base in reversed(cls.__mro__):
        if not base.__module__.startswith("textual") and "BINDINGS" in base.__dict__:
            found += [b if isinstance(b, Binding) else Binding(*b) for b in base.BINDINGS]
    return found


def binding_ids() -> dict[str, list[Binding]]:
    """Every binding id of the app, with the bindings that carry it (one id may name the
    same action on several screens: ``save`` is Ctrl+S on every form)."""
    ids: dict[str, list[Binding]] = {}
    for cls in keyed_classes():
        for binding in cls.__dict__["BINDINGS"]:
            if isinstance(binding, Binding) and binding.id:
                ids.setdefault(binding.id, []).append(binding)
    return ids
