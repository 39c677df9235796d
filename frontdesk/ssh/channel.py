"""Agent and X11 forwarding, heard: refused, logged and audited like every other refusal.

asyncssh refuses these two channel requests on its own (``agent_forwarding=False``,
``x11_forwarding=False``), unheard by the server, so nothing of them reached the log or
the audit. Here they are refused on each session channel by the server itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import asyncssh

if TYPE_CHECKING:
    from frontdesk.ssh.server import StaffServer

# Channel requests asyncssh answers itself, with no callback (``agent_forwarding=False``,
# ``x11_forwarding=False``): its handler for each is named ``_process_<request>_request``,
# and on a member's channel it is replaced by one that refuses and says so.
UNHEARD_REQUESTS = {"auth_agent_req_at_openssh_dot_com": "agent", "x11_req": "x11"}


def hear_forwarding_requests(chan: asyncssh.SSHServerChannel, server: StaffServer) -> None:
    """Refuse agent and X11 forwarding on ``chan``, with a log line and an audit entry."""
    for request, kind in UNHEARD_REQUESTS.items():

        def refuse(packet, kind: str = kind) -> bool:
            server.note_refusal("forwarding", kind=kind)
            return False  # the client hears "request failed"

        setattr(chan, f"_process_{request}_request", refuse)
