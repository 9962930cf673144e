"""A release's own icons and branding (format 3): read from a catalog folder, checked, written to
the kiosk's cached copy and read back; what is unsafe or inconsistent is refused saying where."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kiosk.core.catalog import (
    catalog_document,
    load_catalog,
    parse_catalog_document,
    read_catalog_source,
    write_catalog_directory,
)
from kiosk.core.datafile import DataFileError
from kiosk.core.paths import resources_root

GILAN = resources_root() / "tests" / "data" / "other-province"
BUNDLED_ICONS = resources_root() / "resources" / "icons"


@pytest.fixture
def gilan(tmp_path: Path) -> Path:
    return Path(shutil.copytree(GILAN, tmp_path / "gilan"))


def problems(folder: Path) -> str:
    with pytest.raises(DataFileError) as caught:
        read_catalog_source(folder, BUNDLED_ICONS)
    return "\n".join(str(p) for p in caught.value.problems)


def test_the_other_province_loads_with_its_icons_and_branding(gilan: Path) -> None:
    catalog = load_catalog(gilan, BUNDLED_ICONS)
    assert len(catalog.agencies) >= 20
    assert all(agency.icon in catalog.icons for agency in catalog.agencies)
    assert len({catalog.icons[agency.icon] for agency in catalog.agencies}) == len(catalog.agencies), "each its own"
    assert catalog.branding is not None and catalog.branding.title.fa == "کیوسک خدمات استان گیلان"
    assert catalog.branding.logo == "gilan-province"
    restricted = catalog.restricted_to(("gilan-ports",))
    assert restricted.icons is catalog.icons and restricted.branding == catalog.branding


def test_a_release_survives_the_kiosk_s_cached_copy_whole(gilan: Path, tmp_path: Path) -> None:
    document = catalog_document(gilan, BUNDLED_ICONS)
    assert document["format"] == 3 and "branding" in document and len(document["icons"]) == 25
    received = parse_catalog_document(document, "server", BUNDLED_ICONS)
    write_catalog_directory(document, tmp_path / "cache")
    cached = load_catalog(tmp_path / "cache", BUNDLED_ICONS, source="server")
    assert cached.icons == received.icons and cached.branding == received.branding
    assert cached.agencies == received.agencies


def test_an_uploaded_icon_is_published_as_sanitised(gilan: Path) -> None:
    icon = gilan / "icons" / "gilan-ports.svg"
    icon.write_text(icon.read_text().replace("<path", "<metadata>by hand</metadata><path", 1), encoding="utf-8")
    document, catalog = read_catalog_source(gilan, BUNDLED_ICONS)
    assert "metadata" not in document["icons"]["gilan-ports"]
    assert document["icons"] == catalog.icons


@pytest.mark.parametrize(
    ("spoil", "words"),
    [
        (
            lambda f: (f / "icons" / "gilan-ports.svg").write_text('<svg onload="alert(1)"/>'),
            "icons.gilan-ports: <svg> has an event handler (onload)",
        ),
        (
            lambda f: (f / "icons" / "gilan-ports.svg").write_text('<svg><use href="https://x.example/a#b"/></svg>'),
            "only #ids",
        ),
        (lambda f: (f / "icons" / "gilan-ports.svg").unlink(), "no icon 'gilan-ports' among the kiosk's icons"),
        (lambda f: (f / "icons" / "Bad Name.svg").write_text("<svg/>"), "is not an icon name"),
        (lambda f: (f / "icons" / "notes.txt").write_text("x"), "is not an icon"),
        (
            lambda f: (f / "branding.toml").write_text('title = {fa = "x", en = "x"}\naccent = "teal"\n'),
            "branding.accent",
        ),
        (
            lambda f: (f / "branding.toml").write_text(
                'title = {fa = "x", en = "x"}\naccent = "#000000"\nlogo = "ship"\n'
            ),
            "'ship' is not one of the release's icons",
        ),
        (
            lambda f: (f / "catalog.json").write_text(
                (f / "catalog.json").read_text().replace('"format": 3', '"format": 2')
            ),
            "a release with icons, branding, profiles is format 3",
        ),
    ],
    ids=["event-handler", "external-reference", "missing-icon", "icon-name", "not-an-icon", "accent", "logo", "format"],
)
def test_what_is_wrong_is_refused_saying_where(gilan: Path, spoil, words: str) -> None:
    spoil(gilan)
    assert words in problems(gilan)


def test_a_kiosk_checks_a_received_release_s_icons_again() -> None:
    document = catalog_document(GILAN, BUNDLED_ICONS)
    document["icons"]["gilan-ports"] = "<svg><script>alert(1)</script></svg>"  # as a faulty server might send
    with pytest.raises(DataFileError, match=r"icons\.gilan-ports: the icon holds <script>"):
        parse_catalog_document(document, "server", BUNDLED_ICONS)


def test_a_release_s_profiles_stand_in_for_the_bundle_s_and_add_the_province_s_own() -> None:
    catalog = load_catalog(GILAN, BUNDLED_ICONS)
    assert sorted(catalog.profiles) == ["rasht-lobby", "water-booth"]
    booth = catalog.profiles["water-booth"]
    assert booth.agencies == ("gilan-water",) and booth.logo == "gilan-water" and booth.server_url == ""
    from kiosk.core.profiles import ProfileLibrary

    library = ProfileLibrary(
        resources_root() / "resources" / "profiles", Path("/nonexistent"), resources_root() / "resources"
    )
    assert "rasht-lobby" in library.names(catalog) and "festival" in library.names(catalog)
    loaded, warnings = library.load("water-booth", catalog)
    assert loaded.title.fa == "غرفه آبفای گیلان" and not warnings
    assert loaded.server_url == "http://127.0.0.1:8765", "where requests go stays the bundle's profile's"


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda text: text + '[server]\nurl = "https://elsewhere.example"\n', "profiles.water-booth.server: where"),
        (lambda text: text.replace('["gilan-water"]', '["mazandaran-water"]'), "unknown agency 'mazandaran-water'"),
        (lambda text: text.replace('logo = "gilan-water"', 'logo = "logos/x.svg"'), "not one of the release's icons"),
        (lambda text: text.replace('mode = "demo"', 'mode = "chaos"'), "profiles.water-booth.mode"),
    ],
    ids=["server", "agency", "logo", "mode"],
)
def test_a_release_profile_that_is_wrong_is_refused_saying_where(gilan: Path, change, words: str) -> None:
    booth = gilan / "profiles" / "water-booth.toml"
    booth.write_text(change(booth.read_text(encoding="utf-8")), encoding="utf-8")
    assert words in problems(gilan)
