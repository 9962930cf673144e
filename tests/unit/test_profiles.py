"""kiosk.core.profiles and kiosk.core.content: profiles load, bad ones are refused by name, and the
kiosk always ends up with something to run on."""

from __future__ import annotations

import copy
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from kiosk.core.catalog import Catalog, catalog_document, load_catalog, write_catalog_directory
from kiosk.core.content import SAFE_PROFILE, choose_profile, load_best_catalog, previous_catalog
from kiosk.core.datafile import DataFileError
from kiosk.core.paths import resources_root
from kiosk.core.profiles import ProfileLibrary, check_against_catalog, load_profile_file
from tests.support.factories import PROFILE_TOML, write_catalog

RESOURCES = resources_root() / "resources"


@pytest.fixture
def catalog(tmp_path: Path) -> Catalog:
    return load_catalog(write_catalog(tmp_path / "catalog"))


@pytest.fixture
def library(tmp_path: Path) -> ProfileLibrary:
    bundled = tmp_path / "profiles"
    bundled.mkdir()
    (bundled / "test.toml").write_text(PROFILE_TOML, encoding="utf-8")
    return ProfileLibrary(bundled, tmp_path / "data" / "last-good", RESOURCES)


def write_profile(library: ProfileLibrary, text: str, name: str = "test") -> Path:
    path = library.bundled_dir / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_bundled_profiles_are_valid() -> None:
    catalog = load_catalog(RESOURCES / "catalog", RESOURCES / "icons")
    paths = sorted((RESOURCES / "profiles").glob("*.toml"))
    assert len(paths) >= 3
    modes = set()
    for path in paths:
        profile = load_profile_file(path, RESOURCES)
        check_against_catalog(profile, catalog)
        modes.add(profile.mode)
    assert modes == {"demo", "live"}


def test_profile_fields(library: ProfileLibrary, catalog: Catalog) -> None:
    profile, warnings = library.load("test", catalog)
    assert warnings == []
    assert profile.title.fa == "پیشخوان آزمایشی"
    assert profile.agencies == ("water", "civil")
    assert profile.is_demo and profile.currency == "toman" and profile.idle_timeout_seconds == 90
    assert profile.server_url == "http://127.0.0.1:8765"


@pytest.mark.parametrize(
    ("old", "new", "place", "words"),
    [
        ('accent = "#0f766e"', 'accent = "green"', "accent", "#rrggbb"),
        ('language = "fa"', 'language = "de"', "language", "one of: fa, en"),
        ('mode = "demo"', 'mode = "test"', "mode", "one of: demo, live"),
        ("idle_timeout_seconds = 90", "idle_timeout_seconds = 5", "idle_timeout_seconds", "at least 15"),
        ("idle_timeout_seconds = 90", "idle_timeout_seconds = 99999", "idle_timeout_seconds", "at most 3600"),
        ("idle_timeout_seconds = 90", 'idle_timeout_seconds = "90"', "idle_timeout_seconds", "whole number"),
        ('logo = "logos/pishkhan.svg"', 'logo = "logos/none.svg"', "logo", "does not exist"),
        ('agencies = ["water", "civil"]', "agencies = []", "agencies", '"all" or a non-empty list'),
        ('agencies = ["water", "civil"]', 'agencies = ["water", "water"]', "agencies[1]", "twice"),
        ('url = "http://127.0.0.1:8765"', 'url = "http://kiosk.example.ir"', "server.url", "https://"),
        ("format = 1", "format = 9", "format", "update the kiosk first"),
        ('currency = "toman"', "", "currency", "is missing"),
        (
            'title = { fa = "پیشخوان آزمایشی", en = "Test kiosk" }',
            'title = { fa = "پیشخوان" }',
            "title.en",
            "is missing",
        ),
        ('mode = "demo"', 'mode = "demo"\ncolour = "red"', "colour", "not a known field"),
        (
            'url = "http://127.0.0.1:8765"',
            'url = "http://127.0.0.1:8765"\nproxy = "squid:3128"',
            "server.proxy",
            "starting with http://",
        ),
        (
            'url = "http://127.0.0.1:8765"',
            'url = "http://127.0.0.1:8765"\nca_file = "certs/none.pem"',
            "server.ca_file",
            "does not exist",
        ),
        (
            'url = "http://127.0.0.1:8765"',
            'url = "http://127.0.0.1:8765"\ncatalog_refresh_minutes = 0',
            "server.catalog_refresh_minutes",
            "at least 1",
        ),
    ],
)
def test_bad_profile_fields(
    library: ProfileLibrary, catalog: Catalog, old: str, new: str, place: str, words: str
) -> None:
    assert old in PROFILE_TOML
    path = write_profile(library, PROFILE_TOML.replace(old, new))
    with pytest.raises(DataFileError) as caught:
        library.load("test", catalog)
    messages = [str(p) for p in caught.value.problems]
    assert any(m.startswith(f"{path}: {place}: ") and words in m for m in messages), messages


def test_malformed_toml(library: ProfileLibrary, catalog: Catalog) -> None:
    path = write_profile(library, PROFILE_TOML.replace('mode = "demo"', "mode = demo"))
    with pytest.raises(DataFileError) as caught:
        library.load("test", catalog)
    [problem] = caught.value.problems
    assert problem.file == str(path)
    assert "not valid TOML" in problem.message and "line 7" in problem.message


def test_unknown_agency_in_profile(library: ProfileLibrary, catalog: Catalog) -> None:
    path = write_profile(library, PROFILE_TOML.replace('"civil"]', '"tax"]'))
    with pytest.raises(DataFileError) as caught:
        library.load("test", catalog)
    assert [str(p) for p in caught.value.problems] == [
        f"{path}: agencies[1]: unknown agency 'tax': the catalog has no such agency"
    ]


def test_unknown_profile_name_lists_known_ones(library: ProfileLibrary, catalog: Catalog) -> None:
    with pytest.raises(DataFileError, match=r"there is no profile 'nope' \(known: test\)"):
        library.load("nope", catalog)
    with pytest.raises(DataFileError, match="not a profile name"):
        library.load("../etc/passwd", catalog)


def test_broken_profile_falls_back_to_its_last_good_copy(library: ProfileLibrary, catalog: Catalog) -> None:
    library.load("test", catalog)  # loads cleanly: a copy is kept
    write_profile(library, "this is not toml [")
    profile, warnings = library.load("test", catalog)
    assert profile.agencies == ("water", "civil")
    assert any("not valid TOML" in w for w in warnings)
    assert any("last good copy" in w for w in warnings)


def test_broken_profile_without_copy_gives_the_safe_profile(library: ProfileLibrary, catalog: Catalog) -> None:
    write_profile(library, "this is not toml [")
    profile, warnings = choose_profile(library, "test", catalog)
    assert profile is SAFE_PROFILE
    assert warnings[-1] == "profile 'test' cannot be used; running on the safe built-in profile"


def test_the_safe_profile_keeps_the_mode_the_broken_one_was_last_in_force_with(
    library: ProfileLibrary, catalog: Catalog, caplog: pytest.LogCaptureFixture
) -> None:
    live, _warnings = library.load("test", catalog)
    live = replace(live, mode="live")
    library.note_in_force(live)
    library.note_in_force(SAFE_PROFILE)  # the stand-in itself is never remembered
    write_profile(library, "this is not toml [")
    (library.last_good_dir / "test.toml").write_text("nor this [", encoding="utf-8")
    profile, warnings = choose_profile(library, "test", catalog)
    assert profile.name == "safe-mode" and profile.mode == "live" and profile.agencies is None
    assert warnings[-1].endswith("in live mode, the mode 'test' was last in force with")
    assert choose_profile(library, "other", catalog)[0] is SAFE_PROFILE  # never in force here: demo

    (library.last_good_dir / "modes.json").write_text("{", encoding="utf-8")  # the memory itself damaged
    assert choose_profile(library, "test", catalog)[0] is SAFE_PROFILE
    assert "modes profiles were last in force with are forgotten" in caplog.text
    library.note_in_force(live)  # and written anew the next time a profile is in force
    assert library.mode_last_in_force("test") == "live"


def test_bad_cached_catalog_gives_way_to_the_bundled_one(tmp_path: Path) -> None:
    bundled = write_catalog(tmp_path / "bundled")
    cached = write_catalog(tmp_path / "cached", version="from-server")
    catalog, warnings = load_best_catalog(bundled, cached, None)
    assert (catalog.source, catalog.version, warnings) == ("cached", "from-server", [])
    (cached / "agencies" / "water.json").write_text("{", encoding="utf-8")
    catalog, warnings = load_best_catalog(bundled, cached, None)
    assert (catalog.source, catalog.version) == ("bundled", "test-1")
    assert "not valid JSON" in warnings[0]
    assert "using the bundled catalog" in warnings[-1]


def test_a_refused_cached_catalog_gives_way_to_the_last_good_one_received(tmp_path: Path) -> None:
    """Issue 23: a catalog refused at a start falls back to the one received before it, not to the
    bundled one; the updater keeps that one beside the cache when a new one replaces it."""
    bundled = write_catalog(tmp_path / "bundled")
    cached = tmp_path / "data" / "catalog"
    first = catalog_document(write_catalog(tmp_path / "first", version="received-1"))
    write_catalog_directory(first, cached, keep_previous=True)
    assert not previous_catalog(cached).exists(), "nothing before the first"
    second = copy.deepcopy(first)
    second["version"] = "received-2"
    write_catalog_directory(second, cached, keep_previous=True)
    assert load_best_catalog(bundled, cached, None)[0].version == "received-2"
    (cached / "agencies" / "water.json").write_bytes("{}".encode("utf-16"))
    catalog, warnings = load_best_catalog(bundled, cached, None)
    assert (catalog.source, catalog.version) == ("previous", "received-1")
    assert "UTF-16" in warnings[0] and "using the last good one received, version received-1" in warnings[-1]
    shutil.rmtree(previous_catalog(cached))
    assert load_best_catalog(bundled, cached, None)[0].source == "bundled"


def test_no_cached_catalog_uses_the_bundled_one(tmp_path: Path) -> None:
    catalog, warnings = load_best_catalog(write_catalog(tmp_path / "b"), tmp_path / "none", None)
    assert catalog.source == "bundled" and warnings == []
