"""What the signed-in staff member may use: keys, screens and commands (``frontdesk.people.roles``).

Each App or Screen class that has keys a role may lack declares ``ACTION_RIGHTS``: its
action names mapped to the ``roles`` action they need. ``check_action`` returning False
hides a binding from the footer and stops it; the F1 help and the command palette read
the same map, so a consultant never sees F2 and a receptionist never sees F6; pressed all
the same, such a key says in one line why it does nothing (``refused_key``). The core
refuses all the same (``roles.require``): this only keeps the screen honest.
"""

from __future__ import annotations

from textual.dom import DOMNode
from textual.screen import Screen

from frontdesk.people import roles
from frontdesk.people.actor import DESK, Actor


def actor_of(node: DOMNode | None) -> Actor:
    """Who acts at this app: the staff member signed in, or the desk."""
    if node is None:
        return DESK
    app = node if hasattr(node, "actor") else getattr(node, "app", None)
    actor = getattr(app, "actor", None)
    return actor if isinstance(actor, Actor) else DESK


def right_for(owner: type | object, action: str) -> str | None:
    """The ``roles`` action that ``action`` of this class needs, if any."""
    cls = owner if isinstance(owner, type) else type(owner)
    return getattr(cls, "ACTION_RIGHTS", {}).get(action)


def allowed(node: DOMNode, action: str, owner: type | object | None = None) -> bool:
    """May the signed-in staff member run ``action`` of ``owner`` (default: ``node``)?"""
    right = right_for(owner if owner is not None else node, action)
    return right is None or roles.may(actor_of(node), right)


def may(node: DOMNode | None, right: str) -> bool:
    """May the signed-in staff member do the ``roles`` action ``right``?"""
    return roles.may(actor_of(node), right)


def refusal(node: DOMNode | None, right: str) -> str:
    """Why the signed-in staff member may not do ``right``, in one sentence."""
    return roles.refusal(actor_of(node), right)


def refused_key(screen: Screen, key: str) -> str | None:
    """Why ``key`` did nothing on ``screen``, when that is because the role may not use it:
    the sentence, if every binding of the key there is refused and one by the role (a key
    the footer hides for the role); None when one of them ran, or none is the role's doing
    (F6 on the contact table itself)."""
    refused: list[str] = []
    # The bindings a key press goes through, with the user's keymap applied (Textual's own).
    for node, bindings in screen._modal_binding_chain:
        for binding in bindings.key_to_bindings.get(key, ()):
            action = binding.action.split("(")[0]
            if node.check_action(action, ()):
                return None
            right = right_for(node, action)
            if right is not None and not may(node, right):
                refused.append(right)
    return refusal(screen, refused[0]) if refused else None
