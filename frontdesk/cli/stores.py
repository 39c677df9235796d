"""Command-line commands of a dealer group's stores: ``store add``, ``store list``, and
``copy-store`` (a showroom's store file moved into the group's database)."""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys

from peewee import DatabaseError, ImproperlyConfigured

from frontdesk import store
from frontdesk.cli.base import Handler, add_command, add_command_group, table
from frontdesk.errors import FrontdeskError
from frontdesk.i18n import t
from frontdesk.people.actor import Actor
from frontdesk.store import copy_store, failures, stores
from frontdesk.store.models import database

COPY_STORE = "copy-store"


def add_commands(commands) -> dict[str, Handler]:
    _, store_commands = add_command_group(commands, "store", "stores.cmd", "store_command")
    add = add_command(store_commands, "add", "stores.cmd_add")
    add.add_argument("code", metavar="CODE", help=t("stores.code"))
    add.add_argument("--name", required=True, metavar="NAME", help=t("stores.name"))
    add_command(store_commands, "list", "stores.cmd_list")
    copy = add_command(commands, COPY_STORE, "copy_store.cmd")
    copy.add_argument("--from", dest="source", required=True, metavar="PATH_OR_URL",
                      help=t("copy_store.opt_from"))  # fmt: skip
    copy.add_argument("--to", dest="target", required=True, metavar="URL",
                      help=t("copy_store.opt_to"))  # fmt: skip
    copy.add_argument("--store", dest="copy_code", required=True, metavar="CODE",
                      help=t("copy_store.opt_store"))  # fmt: skip
    copy.add_argument("--name", dest="copy_name", metavar="NAME", help=t("copy_store.opt_name"))
    copy.add_argument("--json", action="store_true", help=t("copy_store.opt_json"))
    return {"store": _store, COPY_STORE: _copy_store}


def open_source(args: argparse.Namespace) -> None:
    """``copy-store``'s store to read, for ``prepare``: the file ``--from``, as it is (not
    upgraded), the one the services and ``--as`` look in until the copy opens the target."""
    database.initialize(copy_store.open_source(args.source))


def _open_target(url: str):
    if not store.is_postgres(url):
        raise copy_store.CopyRefused(t("copy_store.target_sqlite"))
    try:
        return store.open_store(url, any_store=True)
    except (DatabaseError, sqlite3.Error, ImproperlyConfigured, OSError, RuntimeError) as error:
        failures.log_failure(error, "opening the group's database", store.shown(url))
        raise FrontdeskError(
            t("cli.open_failed", target=store.shown(url), error=failures.explain(error))
        ) from None


def _copy_store(args: argparse.Namespace, actor: Actor) -> int:
    source = database.obj  # opened by ``prepare`` (``open_source``)
    try:
        target = _open_target(args.target)
        result = copy_store.copy_store(
            source,
            target,
            args.copy_code,
            args.copy_name,
            by=actor,
            source_name=store.shown(args.source),
        )
    finally:
        source.close()
    if args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
        return 0
    header = [t(f"copy_store.col_{key}") for key in ("table", "source", "target")]
    body = [
        [
            count.table + (" *" if count.filled_by_triggers else ""),
            str(count.source),
            str(count.target),
        ]
        for count in result.tables
    ]
    for line in table([header, *body]):
        print(line)
    if any(count.filled_by_triggers for count in result.tables):
        print(t("copy_store.by_triggers"))
    for old, new in result.renamed:
        print(t("copy_store.renamed", login=old, now=new))
    for key, value, group in result.kept_settings:
        print(t("copy_store.kept_setting", key=key, value=value, group=group))
    print(
        t(
            "copy_store.proved",
            code=result.code,
            name=result.name,
            tables=len(result.tables),
            rows=result.rows,
            months=len(result.months),
            followups=result.followups,
            seconds=f"{result.seconds:.1f}",
        )
    )
    return 0


def _store(args: argparse.Namespace, actor: Actor) -> int:
    if args.store_command == "add":
        added = stores.add_store(args.code, args.name, by=actor)
        print(t("stores.added", code=added.code, name=added.name))
        return 0
    if args.store_command == "list":
        rows = stores.list_stores(by=actor)
        if not rows:
            print(t("stores.none"))
            return 0
        header = [t(f"stores.col_{key}") for key in ("code", "name", "registrations")]
        body = [
            [("* " if row.current else "  ") + row.code, row.name, str(row.registrations)]
            for row in rows
        ]
        for line in table([header, *body]):
            print(line)
        return 0
    args.store_command_parser.print_help(sys.stderr)
    return 2
