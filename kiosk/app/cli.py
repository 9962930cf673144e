"""`kiosk` / `python -m kiosk`: argument parsing, and the commands that need no window (outbox, pin)."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path
from typing import Any

from kiosk import __version__
from kiosk.core.paths import KioskPaths


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="kiosk",
        description="Pishkhan: Mazandaran's e-services kiosk (touch screen, Persian first).",
    )
    parser.add_argument("--profile", default=None, help="demo profile to run (see --list-profiles); default: festival")
    parser.add_argument("--windowed", action="store_true", help="a normal window instead of full screen (development)")
    parser.add_argument("--data-dir", type=Path, default=None, help="where the kiosk keeps its data and logs")
    parser.add_argument("--list-profiles", action="store_true", help="list the bundled profiles and exit")
    parser.add_argument(
        "--self-test", action="store_true", help="check catalog, profiles, fonts, translations, data folder"
    )
    parser.add_argument("--kiosk-number", type=int, default=None, help="this kiosk's number, 1-999 (see config.toml)")
    parser.add_argument("--server-url", default=None, help="the central server's address (default: the profile's)")
    parser.add_argument(
        "--hide-cursor", action="store_const", const=True, default=None, help="no mouse pointer (touch screens)"
    )
    parser.add_argument("--print-config", action="store_true", help="show the settings in force, secrets masked")
    parser.add_argument("--version", action="version", version=f"kiosk {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    outbox = commands.add_parser("outbox", help="the queue of citizens' requests: status, drain, export, salvage")
    actions = outbox.add_subparsers(dest="action", metavar="ACTION", required=True)
    actions.add_parser("status", help="counts by state, oldest waiting, last error, rejected requests")
    drain = actions.add_parser("drain", help="deliver everything waiting now, with a progress bar")
    drain.add_argument("--timeout", type=float, default=300.0, help="give up after this many seconds (300)")
    export = actions.add_parser("export", help="write the requests not yet delivered to FILE (for a USB stick)")
    export.add_argument("file", type=Path)
    salvage = actions.add_parser(
        "salvage", help="re-queue the readable requests of a damaged outbox FILE (an outbox.db.damaged-… file)"
    )
    salvage.add_argument("file", type=Path)
    pin = commands.add_parser("pin", help="staff PINs: kiosk pin set staff|technician (the PIN is read from input)")
    pin_actions = pin.add_subparsers(dest="action", metavar="ACTION", required=True)
    pin_set = pin_actions.add_parser("set", help="set a role's PIN (4-12 digits, not a simple run)")
    pin_set.add_argument("role", choices=["staff", "technician"])
    render = commands.add_parser(
        "render", help="draw services' cards, questions and review offscreen as PNG files (the server's preview)"
    )
    from kiosk.app.render import add_arguments

    add_arguments(render)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    from kiosk.app.logs import configure_logging
    from kiosk.app.running import run
    from kiosk.core.content import DEFAULT_PROFILE

    paths = KioskPaths.discover(args.data_dir)
    profile = args.profile or DEFAULT_PROFILE
    if args.list_profiles:
        return list_profiles(paths)
    if args.command == "outbox":
        return outbox_command(args, paths, profile)
    if args.command == "pin":
        return pin_command(args.role, paths)
    if args.command == "render":  # its own throwaway data folder: nothing of this kiosk's is read or written
        from kiosk.app.render import render_command

        return render_command(args)
    if args.print_config:
        from kiosk.app.config_report import print_config

        return print_config(paths, args.profile, args.data_dir, command_line_settings(args))
    if args.self_test:
        from kiosk.app.selftest import self_test

        return self_test(paths, profile)
    from kiosk.app.single_instance import AlreadyRunning, InstanceLock

    lock = InstanceLock(paths.data)
    try:
        lock_problem = lock.acquire()
    except AlreadyRunning as exc:
        print(f"kiosk: {exc}", file=sys.stderr)
        return 3
    try:
        configure_logging(paths)
        if lock_problem:
            logging.getLogger("kiosk").error("%s", lock_problem)
        return run(paths, profile, windowed=args.windowed, command_line=command_line_settings(args))
    finally:
        lock.release()


def command_line_settings(args: argparse.Namespace) -> dict[str, Any]:
    """The settings given on the command line, the top layer: the kiosk, ``--print-config`` and the
    outbox commands all read the same ones."""
    return {"kiosk_number": args.kiosk_number, "server_url": args.server_url, "hide_cursor": args.hide_cursor}


def list_profiles(paths: KioskPaths) -> int:
    from kiosk.core.profiles import ProfileLibrary

    library = ProfileLibrary(paths.profiles, paths.last_good_profiles, paths.resources)
    for name in library.names():
        print(name)
    return 0


def pin_command(role: str, paths: KioskPaths) -> int:
    import getpass

    from kiosk.core.pins import PinFileError, PinVault

    if sys.stdin.isatty():
        pin = getpass.getpass(f"new {role} PIN: ")
        if getpass.getpass("once more: ") != pin:
            print("the two PINs differ; nothing was changed", file=sys.stderr)
            return 1
    else:
        pin = sys.stdin.readline().strip()
    try:
        PinVault(paths.data / "staff.json").set_pin(role, pin)
    except (ValueError, PinFileError) as exc:
        print(f"kiosk: {exc}", file=sys.stderr)
        return 1
    print(f"the {role} PIN is set (only its salted hash is stored, in {paths.data / 'staff.json'})")
    return 0


def outbox_command(args: argparse.Namespace, paths: KioskPaths, profile_name: str) -> int:
    from kiosk.app.root import read_in_force, read_settings
    from kiosk.core.live_state import InForce, SettingsSources
    from kiosk.outbox import commands

    if args.action == "salvage":
        return commands.salvage(paths.outbox, args.file)
    store = commands.open_store(paths.outbox, sys.stdout)
    if store is None:  # no outbox yet is a status like any other; one that cannot be opened is not
        return 0 if args.action == "status" and not paths.outbox.exists() else 1
    try:
        sources = SettingsSources(os.environ, command_line_settings(args))  # the kiosk's layers
        if args.action == "status":
            return commands.status(store)
        if args.action == "export":
            return commands.export(store, args.file, read_settings(paths, sources).kiosk_number)
        from kiosk.link.drain import CANNOT_DELIVER, drain

        content, settings = read_in_force(paths, profile_name, sources)
        if content is None:
            print("the bundled catalog is refused, so the kiosk delivers nothing either: `kiosk --self-test` names "
                  "the problem; `kiosk outbox export FILE` takes the queue to the server meanwhile")  # fmt: skip
            return CANNOT_DELIVER
        return drain(store, InForce(content.catalog, content.profile, settings, paths.resources), args.timeout,
                     sys.stdout)  # fmt: skip
    finally:
        store.close()
