"""What the signed-in staff member may use: keys, screens and commands (``frontdesk.people.roles``).

Each App or Screen class that has keys a role may lack declares ``ACTION_RIGHTS``: its
action names mapped to the ``roles`` action they need. ``check_action`` returning False
hides a binding from the footer and stops it; the F1 help and the command palette read
the same map, so a consultant never sees F2 and a receptionist never sees F6. The core
refuses all the same (``roles.require``): this only keeps the screen honest.
"""

from __future__ import annotations

from textual.dom import DOMNode

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
