"""``frontdesk serve``: the built-in SSH server for managers and staff away from the desk."""

from __future__ import annotations

import argparse
import asyncio
import logging
from pathlib import Path

from frontdesk import config, store
from frontdesk.cli.base import Handler, add_command
from frontdesk.errors import ValidationError
from frontdesk.i18n import t
from frontdesk.people import roles
from frontdesk.people.actor import Actor
from frontdesk.ssh import backoff
from frontdesk.ssh import options as server
from frontdesk.store import dialect, settings
from frontdesk.store.models import database


def add_commands(commands) -> dict[str, Handler]:

    serve = add_command(commands, "serve", "cli_serve.cmd")
    serve.add_argument("--host", default=server.DEFAULT_HOST, help=t("cli_serve.host"))
    serve.add_argument(
        "--port", type=int, default=server.DEFAULT_PORT, metavar="N", help=t("cli_serve.port")
    )
    serve.add_argument("--host-key", metavar="PATH", help=t("cli_serve.host_key"))
    serve.add_argument(
        "--max-sessions",
        type=int,
        metavar="N",
        help=t("cli_serve.max_sessions", default=server.DEFAULT_MAX_SESSIONS),
    )
    serve.add_argument(
        "--idle-timeout",
        type=float,
        metavar="MINUTES",
        help=t("cli_serve.idle_timeout", default=server.DEFAULT_IDLE_TIMEOUT_S // 60),
    )
    serve.add_argument(
        "--backoff-after",
        type=int,
        metavar="N",
        help=t("cli_serve.backoff_after", default=backoff.DEFAULT_AFTER),
    )
    serve.add_argument(
        "--backoff-seconds",
        type=float,
        metavar="S",
        help=t("cli_serve.backoff_seconds", default=int(backoff.DEFAULT_BASE_S)),
    )
    serve.add_argument(
        "--no-prefork", dest="prefork", action="store_false", help=t("cli_serve.no_prefork")
    )
    return {"serve": _serve}


def _number(option, key: str):
    """The option if given, else the store setting (``frontdesk settings``), else its
    default; checked against the setting's lower bound."""
    value = settings.number(key) if option is None else option
    minimum = settings.known_setting(key).minimum
    if value < minimum:
        raise ValidationError({key: t("cli_serve.bad_number", minimum=f"{minimum:g}")})
    return value


def _store_file() -> str:
    """The file the host key is kept beside: the store's; for a PostgreSQL store, which has
    none here, the default store's place (this machine's frontdesk data folder)."""
    if dialect.is_postgres(database):
        return str(config.default_db_path())
    return database.database


def options_from(args: argparse.Namespace) -> server.ServeOptions:
    if not 0 <= args.port <= 65535:
        raise ValidationError({"port": t("cli_serve.bad_port")})
    host_key = Path(args.host_key) if args.host_key else server.default_host_key_path(_store_file())
    if host_key is None:
        raise ValidationError({"host-key": t("cli_serve.host_key_needed")})
    idle_minutes = _number(args.idle_timeout, settings.SSH_IDLE_MINUTES)
    return server.ServeOptions(
        db=config.resolve_db(getattr(args, "db", None)),
        store=config.resolve_store(getattr(args, "store", None)),
        host_key=host_key,
        host=args.host,
        port=args.port,
        max_sessions=_number(args.max_sessions, settings.SSH_MAX_SESSIONS),
        idle_timeout=idle_minutes * 60,
        backoff_after=_number(args.backoff_after, settings.SSH_BACKOFF_AFTER),
        backoff_seconds=_number(args.backoff_seconds, settings.SSH_BACKOFF_SECONDS),
        prefork=args.prefork,
    )


def _serve(args: argparse.Namespace, actor: Actor) -> int:
    from frontdesk.ssh.server import run_server  # the SSH library, only when serving

    roles.require(actor, roles.SETTINGS_MANAGE)
    options = options_from(args)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("asyncssh").setLevel(logging.WARNING)

    def ready(acceptor, host_key) -> None:
        print(
            t(
                "cli_serve.listening",
                host=options.host,
                port=acceptor.get_port(),
                fingerprint=host_key.get_fingerprint(),
                store=store.shown(options.db),
            ),
            flush=True,
        )

    asyncio.run(run_server(options, ready=ready))
    return 0
