"""`kiosk` / `python -m kiosk`: argument parsing only; the work is in kiosk.app and kiosk.selftest."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kiosk import __version__


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
    parser.add_argument("--version", action="version", version=f"kiosk {__version__}")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    from kiosk.app import configure_logging, list_profiles, run
    from kiosk.core.content import DEFAULT_PROFILE
    from kiosk.paths import KioskPaths

    paths = KioskPaths.discover(args.data_dir)
    profile = args.profile or DEFAULT_PROFILE
    if args.list_profiles:
        return list_profiles(paths)
    if args.self_test:
        from kiosk.selftest import self_test

        return self_test(paths, profile)
    configure_logging(paths)
    return run(paths, profile, windowed=args.windowed)


if __name__ == "__main__":
    sys.exit(main())
