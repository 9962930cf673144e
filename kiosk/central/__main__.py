"""``kiosk-central`` / ``python -m kiosk.central``: argument parsing and the commands' printing only."""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk.central.roles import ROLES
from kiosk.central.settings import Settings, default_data_dir, settings_to_environment

if TYPE_CHECKING:  # the store's modules load only for a command that opens it (not for --help)
    from kiosk.central.store import Store


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", type=Path, help="data folder (default: the platform's user data folder)")
    common.add_argument("--db", metavar="URL", help="database URL (default: SQLite in the data folder); "
                        "e.g. postgresql+psycopg://user:pass@host/db")  # fmt: skip

    parser = argparse.ArgumentParser(prog="kiosk-central", description="Pishkhan's reference central server.")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", parents=[common], help="run the API and the dashboard")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8765)
    serve.add_argument("--workers", type=int, default=1, help="server processes (use PostgreSQL for more than one)")
    serve.add_argument("--rate-per-minute", type=int, default=600, help="API calls per kiosk a minute, all processes")
    serve.add_argument("--secure-cookies", action="store_true", help="always mark cookies Secure (behind https)")
    serve.add_argument(
        "--kiosk-program", default=None, metavar="COMMAND",
        help="the kiosk program that draws catalog previews (default: this Python's -m kiosk; "
        "KIOSK_CENTRAL_KIOSK_PROGRAM); a frozen server needs it",
    )  # fmt: skip
    serve.add_argument("--testing-disable-idempotency", action="store_true", help=argparse.SUPPRESS)

    db = commands.add_parser("db", help="database schema").add_subparsers(dest="action", required=True)
    db.add_parser("upgrade", parents=[common], help="bring the schema up to date (backs up SQLite first)")

    kiosk = commands.add_parser("kiosk", help="kiosk identities").add_subparsers(dest="action", required=True)
    add = kiosk.add_parser("add", parents=[common], help="register a kiosk; prints its token once")
    add.add_argument("name")
    add.add_argument("--number", type=int, help="kiosk number 1-999 (default: the next free one)")
    revoke = kiosk.add_parser("revoke", parents=[common], help="revoke a kiosk's token")
    revoke.add_argument("number", type=int)
    kiosk.add_parser("list", parents=[common], help="list kiosks")

    commands.add_parser(
        "sealing-key", parents=[common], help="print the public key kiosks seal answers to (config.toml's server_key)"
    )

    _user_commands(commands, common)

    catalog = commands.add_parser("catalog", help="the service catalog").add_subparsers(dest="action", required=True)
    publish = catalog.add_parser("publish", parents=[common], help="validate and publish a catalog")
    publish.add_argument("path", type=Path, help="a catalog folder or a catalog .json document")

    imp = commands.add_parser("import", parents=[common], help="import a kiosk's outbox export file")
    imp.add_argument("file", type=Path)
    return parser


ROLE_HELP = "admin (province administrator), supervisor, case_worker (agency staff) or viewer (usage only)"


def _user_commands(commands: Any, common: argparse.ArgumentParser) -> None:
    user = commands.add_parser("user", help="dashboard users").add_subparsers(dest="action", required=True)

    def scope(parser: argparse.ArgumentParser, required: bool) -> None:
        group = parser.add_mutually_exclusive_group(required=required)
        group.add_argument("--agency", action="append", default=[], metavar="ID", help="an agency the user works for")
        group.add_argument("--all-agencies", action="store_true")

    uadd = user.add_parser("add", parents=[common], help="add a staff user (asks for the password)")
    uadd.add_argument("name")
    scope(uadd, required=True)
    uadd.add_argument("--role", choices=ROLES, help=f"{ROLE_HELP}; default admin with --all-agencies, else case_worker")
    uadd.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    url_help = "the dashboard's address, to print the whole link (e.g. https://pishkhan.example.ir)"
    invite = user.add_parser("invite", parents=[common], help="add a user who sets a password by a one-time link")
    invite.add_argument("name")
    invite.add_argument("--role", choices=ROLES, required=True, help=ROLE_HELP)
    scope(invite, required=False)
    invite.add_argument("--url", default="", help=url_help)
    user.add_parser("list", parents=[common], help="list users (not removed ones)")
    set_role = user.add_parser(
        "set-role", parents=[common], help="change a user's role and/or agencies; ends their sessions"
    )
    set_role.add_argument("name")
    set_role.add_argument("role", choices=ROLES, help=ROLE_HELP)
    scope(set_role, required=False)
    for action, text in (
        ("disable", "stop a user logging in (their sessions end at once)"),
        ("enable", "let a disabled user log in again"),
        ("remove", "remove a user for good (their name stays in histories)"),
        ("logout", "end every session of a user at once"),
    ):
        user.add_parser(action, parents=[common], help=text).add_argument("name")
    reset = user.add_parser("reset-password", parents=[common],
                            help="the old password stops working; prints a new one-time link")  # fmt: skip
    reset.add_argument("name")
    reset.add_argument("--url", default="", help=url_help)


def settings_from(args: argparse.Namespace) -> Settings:
    data_dir = args.data_dir or (
        Path(os.environ["KIOSK_CENTRAL_DATA_DIR"]) if os.environ.get("KIOSK_CENTRAL_DATA_DIR") else default_data_dir()
    )
    extra: dict[str, Any] = {}
    if getattr(args, "command", None) == "serve":
        extra = {
            "rate_per_minute": args.rate_per_minute,
            "enforce_idempotency": not args.testing_disable_idempotency,
            "secure_cookies": True if args.secure_cookies else None,
            "kiosk_program": args.kiosk_program or os.environ.get("KIOSK_CENTRAL_KIOSK_PROGRAM", ""),
        }
    return Settings(
        data_dir=data_dir.expanduser().resolve(), db_url=args.db or os.environ.get("KIOSK_CENTRAL_DB") or None, **extra
    )


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("kiosk.central").setLevel(logging.INFO)
    settings = settings_from(args)
    try:
        return _run(args, settings)
    except (ValueError, LookupError) as exc:
        print(f"kiosk-central: {exc}", file=sys.stderr)
        return 2


def _run(args: argparse.Namespace, settings: Settings) -> int:
    from kiosk.central.app import open_store

    if args.command == "serve":
        return _serve(args, settings)
    store = open_store(settings, migrate=True)
    try:
        if args.command == "db":
            from kiosk.central.db import current_revision

            print(f"database schema is at revision {current_revision(store.db)}")
            return 0
        if args.command == "kiosk":
            return _kiosk(args, store)
        if args.command == "sealing-key":
            return _sealing_key(store)
        if args.command == "user":
            return _user(args, store)
        if args.command == "catalog":
            return _publish(args.path, store)
        if args.command == "import":
            return _import(args.file, store)
    finally:
        store.db.dispose()
    raise AssertionError(args.command)


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from kiosk.central.app import create_app, open_store

    if settings.enforce_idempotency is False:
        print("WARNING: idempotency is OFF: every request is stored as new (testing only)", file=sys.stderr)
    store = open_store(settings, migrate=True)
    if args.workers > 1:
        if store.db.dialect == "sqlite":
            print("note: several workers on SQLite take turns to write; PostgreSQL scales further", file=sys.stderr)
        store.db.dispose()
        os.environ.update(settings_to_environment(settings))
        uvicorn.run(
            "kiosk.central.app:app_from_environment", factory=True, host=args.host, port=args.port,
            workers=args.workers, ws="none", proxy_headers=True, log_level="info",
        )  # fmt: skip
        return 0
    uvicorn.run(create_app(settings, store), host=args.host, port=args.port, ws="none", log_level="info")
    return 0


def _kiosk(args: argparse.Namespace, store: Store) -> int:
    if args.action == "add":
        number, token = store.kiosks.add(args.name, args.number)
        print(f"kiosk number: {number:03d}")
        print(f"token: {token}")
        print("The token is shown only this once: put it in the kiosk's profile now.")
        print("For the kiosk's config.toml, the key it seals citizens' answers to:")
        print(f'server_key = "{store.sealing_key}"')
        print(f"(fingerprint {store.sealing_fingerprint}: the kiosk's staff panel shows the same)")
        return 0
    if args.action == "revoke":
        if not store.kiosks.revoke(args.number):
            print(f"kiosk-central: no kiosk number {args.number}", file=sys.stderr)
            return 1
        print(f"kiosk {args.number:03d} revoked")
        return 0
    for kiosk in store.kiosks.fleet():
        state = "revoked" if kiosk.revoked_at else "active"
        seen = kiosk.last_seen_at.isoformat(timespec="seconds") if kiosk.last_seen_at else "never"
        print(f"{kiosk.number:03d}  {state:8}  last seen {seen}  {kiosk.name}")
    return 0


def _sealing_key(store: Store) -> int:
    print(f'server_key = "{store.sealing_key}"')
    print(f"fingerprint: {store.sealing_fingerprint}")
    print("Put the server_key line in each kiosk's config.toml (or let a kiosk learn it from its first heartbeat);")
    print("its staff panel shows the same fingerprint. The key comes from this server's secret: no file to copy.")
    return 0


def _user(args: argparse.Namespace, store: Store) -> int:
    """``user add|invite|list|set-role|disable|enable|remove|reset-password|logout``; each change is in
    the audit log as done on the command line."""
    from kiosk.central.store.people import COMMAND_LINE

    people = store.people
    if args.action == "add":
        return _user_add(args, store)
    if args.action == "list":
        for user in people.users():
            state = "disabled" if user.disabled_at else ("active" if user.password_hash else "no password yet")
            scope = "all agencies" if user.all_agencies else ", ".join(user.agencies)
            seen = user.last_login_at.isoformat(timespec="seconds") if user.last_login_at else "never"
            print(f"{user.name}  {user.role}  {state}  ({scope})  last login {seen}")
        return 0
    if args.action == "invite":
        user, token = people.invite(args.name, args.role, args.agency, args.all_agencies, by=COMMAND_LINE)
        print(f"user {user.name!r} invited as {user.role}")
        _print_link(token, args.url)
        return 0
    user = people.by_name(args.name)
    if user is None:
        print(f"kiosk-central: no user called {args.name!r}", file=sys.stderr)
        return 1
    if args.action == "set-role":
        agencies, every = (
            (args.agency, args.all_agencies) if args.agency or args.all_agencies else (user.agencies, user.all_agencies)
        )
        people.set_role(user.id, args.role, agencies, every, by=COMMAND_LINE)
        print(f"user {user.name!r} is now {args.role}; their sessions ended")
    elif args.action == "disable":
        people.disable(user.id, by=COMMAND_LINE)
        print(f"user {user.name!r} disabled; their sessions ended")
    elif args.action == "enable":
        people.enable(user.id, by=COMMAND_LINE)
        print(f"user {user.name!r} enabled")
    elif args.action == "remove":
        people.remove(user.id, by=COMMAND_LINE)
        print(f"user {user.name!r} removed")
    elif args.action == "logout":
        ended = people.log_out_everywhere(user.id, by=COMMAND_LINE)
        print(f"user {user.name!r}: {ended} session(s) ended")
    elif args.action == "reset-password":
        token = people.reset_password(user.id, by=COMMAND_LINE)
        print(f"user {user.name!r}: the old password no longer works; their sessions ended")
        _print_link(token, args.url)
    return 0


def _print_link(token: str, url: str) -> None:
    from kiosk.central.store.people import LINK_HOURS

    print(f"one-time link (works once, for {LINK_HOURS} hours; shown only now):")
    print(f"{url.rstrip('/')}/welcome/{token}" if url else f"  <the dashboard's address>/welcome/{token}")


def _user_add(args: argparse.Namespace, store: Store) -> int:
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass("password: ")
        if getpass.getpass("again: ") != password:
            print("kiosk-central: the passwords differ", file=sys.stderr)
            return 1
    user = store.people.add(args.name, password, args.agency, args.all_agencies, role=args.role)
    scope = "all agencies" if user.all_agencies else ", ".join(args.agency)
    print(f"user {args.name!r} added as {user.role} ({scope})")
    return 0


def load_catalog_document(path: Path) -> dict[str, Any]:
    """A catalog folder or .json document, validated with the kiosk's own rules and against the
    kiosk's own icons (DataFileError if refused): what a kiosk would refuse is never published."""
    from kiosk.core.catalog import bundled_icons, read_catalog_source
    from kiosk.core.datafile import DataFileError, Problem

    icons = bundled_icons()
    if not icons.is_dir():
        raise DataFileError([Problem(str(icons), "", "the kiosk's icons are not here: icon names cannot be checked")])
    document, _catalog = read_catalog_source(path, icons)
    return document


def _publish(path: Path, store: Store) -> int:
    from kiosk.core.datafile import DataFileError

    try:
        document = load_catalog_document(path)
    except DataFileError as exc:
        print(f"kiosk-central: the catalog was refused ({len(exc.problems)} problems):", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    release = store.catalogs.publish(document)
    print(f"published catalog {release.catalog_version} as release {release.id} (ETag {release.etag})")
    return 0


def _import(path: Path, store: Store) -> int:
    from kiosk.central.importer import ExportFileError, import_export

    try:
        result = import_export(store, path)
    except ExportFileError as exc:
        print(f"kiosk-central: {exc}", file=sys.stderr)
        return 1
    for line in result.problems:
        print(f"  refused: {line}", file=sys.stderr)
    print(
        f"kiosk {result.kiosk_number:03d}: {result.new} new, {result.already} already there, {result.refused} refused"
    )
    return 1 if result.refused else 0


if __name__ == "__main__":
    sys.exit(main())
