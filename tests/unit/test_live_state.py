"""kiosk.core.live_state: the one owner of what is in force, without a display."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from kiosk.core.catalog import Catalog, catalog_document, load_catalog, parse_catalog_document
from kiosk.core.content import load_best_catalog
from kiosk.core.datafile import DataFileError
from kiosk.core.live_state import Change, InForce, LiveState, SettingsSources
from kiosk.core.paths import KioskPaths, resources_root
from kiosk.core.pins import PinVault
from kiosk.core.profiles import ProfileLibrary
from kiosk.core.settings import load_settings
from tests.support.factories import without_agency


@pytest.fixture
def paths(tmp_path: Path) -> KioskPaths:
    return KioskPaths(root=resources_root(), data=tmp_path / "data")


def make_state(paths: KioskPaths, profile: str = "festival", sources: SettingsSources | None = None) -> LiveState:
    catalog, _warnings = load_best_catalog(paths.catalog, paths.cached_catalog, paths.icons)
    library = ProfileLibrary(paths.profiles, paths.last_good_profiles, paths.resources)
    loaded, _warnings = library.load(profile, catalog)
    sources = sources or SettingsSources({}, {})
    settings = load_settings(paths.config_file, sources.environ, sources.command_line)
    return LiveState(paths, catalog, loaded, settings, sources)


def without_water(paths: KioskPaths, version: str) -> Catalog:
    document = catalog_document(paths.catalog, paths.icons)
    document["version"] = version
    without_agency(document, "mazandaran-water")
    return parse_catalog_document(document, "test", paths.icons, source="server")


class Heard:
    def __init__(self, state: LiveState) -> None:
        self.changes: list[tuple[InForce, Change]] = []
        state.subscribe(lambda in_force, change: self.changes.append((in_force, change)))

    @property
    def kinds(self) -> list[Change]:
        return [change for _in_force, change in self.changes]


def test_a_profile_switch_is_announced_once_with_what_is_in_force(paths: KioskPaths) -> None:
    state = make_state(paths)
    heard = Heard(state)
    state.switch_profile("water-booth")
    assert heard.kinds == [Change.PROFILE]
    in_force = heard.changes[0][0]
    assert in_force is state.current and in_force.profile.name == "water-booth"
    assert [a.id for a in in_force.shown.agencies] == ["mazandaran-water"]
    assert in_force.logo == paths.resources / "logos/mazandaran-water.svg"


def test_a_refused_profile_changes_nothing(paths: KioskPaths) -> None:
    state = make_state(paths)
    heard = Heard(state)
    before = state.current
    with pytest.raises(DataFileError, match="no profile 'nowhere'"):
        state.switch_profile("nowhere")
    assert state.current is before and heard.kinds == []


def test_a_catalog_is_checked_against_the_profile_in_force_when_asked_and_when_applied(paths: KioskPaths) -> None:
    state = make_state(paths)
    heard = Heard(state)
    catalog = without_water(paths, "no-water")
    assert state.catalog_problems(catalog) == [], "the festival shows every agency there is"
    state.offer_catalog(catalog)
    assert state.catalog_waiting and state.current.catalog.version != "no-water"
    state.switch_profile("water-booth")
    assert [str(p) for p in state.catalog_problems(catalog)] == [
        f"{paths.profiles / 'water-booth.toml'}: agencies[0]: unknown agency 'mazandaran-water': "
        "the catalog has no such agency"
    ]
    assert not state.apply_waiting_catalog(), "refused: the profile in force now needs the water company"
    assert not state.catalog_waiting
    assert "unknown agency 'mazandaran-water'" in (state.catalog_refusal or "")
    assert heard.kinds == [Change.CATALOG_WAITING, Change.PROFILE]
    state.switch_profile("festival")
    state.offer_catalog(catalog)
    assert state.apply_waiting_catalog()
    assert state.current.catalog.version == "no-water" and state.catalog_refusal is None
    assert heard.kinds[-2:] == [Change.CATALOG_WAITING, Change.CATALOG]


def test_changes_made_while_announcing_are_told_in_order(paths: KioskPaths) -> None:
    state = make_state(paths)
    state.subscribe(lambda _in_force, change: change & Change.CATALOG_WAITING and state.apply_waiting_catalog())
    heard = Heard(state)
    state.offer_catalog(load_catalog(paths.catalog, paths.icons, source="server"))
    assert heard.kinds == [Change.CATALOG_WAITING, Change.CATALOG]
    assert heard.changes[0][0].catalog is not heard.changes[1][0].catalog, "each hears the state of its change"


def test_a_failing_listener_does_not_keep_a_change_from_the_others(
    paths: KioskPaths, caplog: pytest.LogCaptureFixture
) -> None:
    state = make_state(paths)

    def broken(_in_force: InForce, _change: Change) -> None:
        raise RuntimeError("boom")

    state.subscribe(broken)
    heard = Heard(state)
    with caplog.at_level(logging.ERROR):
        state.switch_profile("water-booth")
    assert heard.kinds == [Change.PROFILE]
    assert "failed to take up a change" in caplog.text


def test_unsubscribed_listeners_hear_nothing(paths: KioskPaths) -> None:
    state = make_state(paths)
    heard: list[Change] = []
    unsubscribe = state.subscribe(lambda _in_force, change: heard.append(change))
    unsubscribe()
    state.switch_profile("water-booth")
    assert heard == []


def test_saving_the_connection_writes_config_toml_and_keeps_the_rest(paths: KioskPaths) -> None:
    paths.data.mkdir(parents=True)
    paths.config_file.write_text('hide_cursor = true\n\n[server]\ntoken = "old"\n', encoding="utf-8")
    state = make_state(paths)
    heard = Heard(state)
    settings = state.save_connection(12, "https://kiosk.sari.ir", ' tok"en\\with quotes ')
    assert (settings.kiosk_number, settings.server_url, settings.server_token) == (12, "https://kiosk.sari.ir",
                                                                                  'tok"en\\with quotes')  # fmt: skip
    assert settings.hide_cursor, "what the panel does not set is kept"
    assert state.current.settings == settings and heard.kinds == [Change.SETTINGS]
    reread = load_settings(paths.config_file, {}, None)
    assert reread == settings
    assert not list(paths.data.glob("*.new")), "no trial file left behind"


def test_a_refused_connection_leaves_the_file_and_the_settings_alone(paths: KioskPaths) -> None:
    state = make_state(paths)
    state.save_connection(3, "https://kiosk.sari.ir", "token")
    before, text = state.current.settings, paths.config_file.read_text(encoding="utf-8")
    heard = Heard(state)
    with pytest.raises(DataFileError, match="1 to 999"):
        state.save_connection(1000, None, None)
    with pytest.raises(DataFileError, match="should start with https://"):
        state.save_connection(3, "ftp://kiosk.sari.ir", None)
    assert state.current.settings is before and paths.config_file.read_text(encoding="utf-8") == text
    assert heard.kinds == []


def test_the_command_line_stays_on_top_of_a_saved_file(paths: KioskPaths) -> None:
    state = make_state(paths, sources=SettingsSources({"KIOSK_SERVER_TOKEN": "from-env"}, {"kiosk_number": 7}))
    settings = state.save_connection(12, None, "from-panel")
    assert (settings.kiosk_number, settings.server_token) == (7, "from-env")
    assert settings.origin["kiosk_number"] == "command line"
    assert settings.origin["server_token"] == "environment KIOSK_SERVER_TOKEN"
    assert 'token = "from-panel"' in paths.config_file.read_text(encoding="utf-8"), "saved for the next start"


def test_config_toml_changed_by_another_process_is_read_again(paths: KioskPaths) -> None:
    state = make_state(paths)
    heard = Heard(state)
    assert not state.reread_settings(), "unchanged"
    paths.data.mkdir(parents=True, exist_ok=True)
    paths.config_file.write_text("kiosk_number = 44\n", encoding="utf-8")
    assert state.reread_settings()
    assert state.current.settings.kiosk_number == 44 and heard.kinds == [Change.SETTINGS]
    paths.config_file.write_text("kiosk_number = 'x'\n", encoding="utf-8")
    assert not state.reread_settings(), "a bad file changes nothing"
    assert state.current.settings.kiosk_number == 44


def test_the_delivery_settings_change_with_profile_and_settings(paths: KioskPaths) -> None:
    state = make_state(paths, "festival")
    before = state.current.delivery
    state.switch_profile("expo-english")  # the same server, proxy and refresh time
    assert state.current.delivery == before
    state.save_connection(9, None, None)
    assert state.current.delivery != before


def test_pins_set_by_another_process_are_seen_and_never_written_over(paths: KioskPaths) -> None:
    """The kiosk's vault has read the file; ``kiosk pin set`` (another vault) adds a PIN; a wrong
    PIN at the kiosk must not write the kiosk's old copy back over it."""
    kiosk = PinVault(paths.data / "staff.json", scrypt_n=2**10)
    kiosk.set_pin("staff", "482913")
    command_line = PinVault(paths.data / "staff.json", scrypt_n=2**10)
    command_line.set_pin("technician", "7305186")
    assert kiosk.try_pin("111999").role is None
    assert PinVault(paths.data / "staff.json").is_set("technician"), "written over by the kiosk's old copy"
    assert kiosk.try_pin("7305186").role == "technician"
    assert kiosk.failures == 0
