"""What the admin screen gives the keys of its pages (``PeopleActions``, ``StoreActions``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from frontdesk.people.actor import Actor
from screens.admin.sections import AdminData


class PageHost:
    """The row under the cursor, a change run in a worker, a form opened, who acts."""

    data: AdminData | None = None

    def _current(self) -> Any:
        raise NotImplementedError

    def _run(self, job: Callable[..., Any], *args: Any, then: Callable[[Any], str]) -> None:
        raise NotImplementedError

    def _open(self, form: Any, then: Callable[[Any], str]) -> None:
        raise NotImplementedError

    @property
    def by(self) -> Actor:
        raise NotImplementedError
