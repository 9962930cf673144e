"""Fuzzed catalog and profile files: whatever an editor (or a disk) does to them, loading either
succeeds or raises ``DataFileError`` whose message names the damaged file; never another exception.

Each example takes one bundled file (an agency file, the catalog manifest, or a profile), applies
random damage, and loads the whole catalog (or the profile against the bundled catalog) from a
private copy. Damage is structural (a key deleted, a value swapped for another type or an
absurd number, a list emptied or doubled, a string made huge or full of control characters) or
raw (bytes flipped, truncated, invalid UTF-8, a BOM, NUL bytes). The kiosk's own fallbacks
(``load_best_catalog``, ``choose_profile``) must then never raise at all.

60 examples per target in the fast run; 2,000 with ``KIOSK_RELIABILITY=full``.
"""

from __future__ import annotations

import copy
import functools
import json
import random
import shutil
import tempfile
import tomllib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.core.catalog import Catalog, load_catalog
from kiosk.core.content import choose_profile, load_best_catalog
from kiosk.core.datafile import DataFileError
from kiosk.core.paths import resources_root
from kiosk.core.profiles import ProfileLibrary, check_against_catalog, load_profile_file
from tests.support.reliability import EXAMPLES, FULL

RESOURCES = resources_root() / "resources"
CATALOG = RESOURCES / "catalog"
ICONS = RESOURCES / "icons"
PROFILES = RESOURCES / "profiles"
AGENCY_FILES = sorted(p.name for p in (CATALOG / "agencies").glob("*.json"))
PROFILE_FILES = sorted(p.name for p in PROFILES.glob("*.toml"))
FUZZ = settings(EXAMPLES, max_examples=2000 if FULL else 60)

ODD_VALUES: list[Any] = [
    None, True, 0, -1, 10**30, 1.5, float("inf"), "", " ", "x" * 5000, "\x00\x01\x1b", "../../etc/passwd",
    "https://", "ي ك", [], [None], {}, {"fa": ""}, {"fa": 1, "en": None}, [[[]]],
]  # fmt: skip


# --- damage ------------------------------------------------------------------------------------


def paths_in(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found += paths_in(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += paths_in(item, (*prefix, index))
    return found


def odd_value(rng: random.Random) -> Any:
    """One of ODD_VALUES, a copy: put in a document as it is, a later damage changes the shared
    list or dict itself (nests it, doubles it, puts it in itself), and every later example
    carries that."""
    return copy.deepcopy(rng.choice(ODD_VALUES))


def damage_structure(data: Any, rng: random.Random) -> Any:
    """Change one or a few places of a parsed document."""
    for _ in range(rng.choice((1, 1, 1, 2, 3))):
        places = [p for p in paths_in(data) if p]
        if not places:
            return odd_value(rng)
        place = rng.choice(places)
        parent = data
        for step in place[:-1]:
            parent = parent[step]
        key = place[-1]
        action = rng.choice(("delete", "odd", "odd", "type", "empty", "double", "rename", "grow"))
        current = parent[key]
        if action == "delete":
            del parent[key]
        elif action == "odd":
            parent[key] = odd_value(rng)
        elif action == "type":
            parent[key] = {"str": 1, "int": "1", "list": {"0": current}, "dict": [current]}.get(
                type(current).__name__, str(current)
            )
        elif action == "empty":
            parent[key] = type(current)() if isinstance(current, (list, dict, str)) else None
        elif action == "double" and isinstance(current, list) and current:
            current.extend(current)
        elif action == "rename" and isinstance(parent, dict):
            parent[f"{key}_"] = parent.pop(key)
        elif action == "grow" and isinstance(current, str):
            parent[key] = current * 200
        else:
            parent[key] = odd_value(rng)
    return data


def damage_bytes(raw: bytes, rng: random.Random) -> bytes:
    action = rng.choice(("flip", "truncate", "utf8", "bom", "nul", "splice"))
    data = bytearray(raw)
    if action == "flip":
        for _ in range(rng.randint(1, 8)):
            data[rng.randrange(len(data))] = rng.randrange(256)
    elif action == "truncate":
        del data[rng.randrange(len(data)) :]
    elif action == "utf8":
        data[rng.randrange(len(data)) : 0] = b"\xff\xfe\xc3"
    elif action == "bom":
        data[0:0] = b"\xef\xbb\xbf"
    elif action == "nul":
        data[rng.randrange(len(data)) : 0] = b"\x00" * rng.randint(1, 64)
    else:
        at, length = rng.randrange(len(data)), rng.randint(1, 200)
        data[at : at + length] = data[rng.randrange(len(data)) :][:length]
    return bytes(data)


def damaged(path: Path, rng: random.Random) -> bytes:
    raw = path.read_bytes()
    if rng.random() < 0.35:
        return damage_bytes(raw, rng)
    if path.suffix == ".json":
        data = damage_structure(json.loads(raw), rng)
        return json.dumps(data, ensure_ascii=rng.random() < 0.5).encode("utf-8")
    data = damage_structure(tomllib.loads(raw.decode("utf-8")), rng)
    return to_toml(data).encode("utf-8")


def to_toml(data: Any) -> str:
    """A small TOML writer (tomllib only reads): enough for profiles, and wrong shapes welcome."""
    if not isinstance(data, dict):
        return f"value = {json.dumps(data, default=str)}\n"
    lines, tables = [], []
    for key, value in data.items():
        if isinstance(value, dict):
            tables.append((key, value))
        elif value is not None:
            lines.append(f"{json.dumps(str(key))} = {toml_value(value)}")
    for key, table in tables:
        lines.append(f"[{json.dumps(str(key))}]")
        lines += [f"{json.dumps(str(k))} = {toml_value(v)}" for k, v in table.items() if v is not None]
    return "\n".join(lines) + "\n"


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)) and value == value and abs(value) != float("inf"):
        return repr(value) if not isinstance(value, int) or abs(value) < 2**63 else json.dumps(str(value))
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value if v is not None) + "]"
    if isinstance(value, dict):
        return (
            "{" + ", ".join(f"{json.dumps(str(k))} = {toml_value(v)}" for k, v in value.items() if v is not None) + "}"
        )
    return json.dumps(str(value))


# --- the properties ----------------------------------------------------------------------------


def assert_names(error: DataFileError, name: str) -> None:
    """The message names the damaged file; a problem found across files (a ``related`` entry
    left pointing at a service the damage removed) is reported against the catalog manifest and
    must then name the damaged agency's services instead."""
    message = str(error)
    assert error.problems, "a DataFileError with no problem in it"
    across = f"'{Path(name).stem}." if name.endswith(".json") and name != "catalog.json" else None
    assert name in message or (across and across in message and "catalog.json" in message), (
        f"the error does not name {name}:\n{message[:2000]}"
    )


@FUZZ
@given(seed=st.integers(0, 2**32 - 1), target=st.sampled_from(["catalog.json", *AGENCY_FILES]))
def test_a_damaged_catalog_file_is_refused_with_its_name_or_loads(seed: int, target: str) -> None:
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as folder:
        catalog = Path(folder) / "catalog"
        shutil.copytree(CATALOG, catalog)
        path = catalog / target if target == "catalog.json" else catalog / "agencies" / target
        path.write_bytes(damaged(path, rng))
        try:
            load_catalog(catalog, ICONS)
        except DataFileError as exc:
            assert_names(exc, target)
        # The kiosk itself: a damaged cached catalog gives way to the bundled one, silently safe.
        loaded, _warnings = load_best_catalog(CATALOG, catalog, ICONS)
        assert loaded.agencies


@functools.cache
def bundled_catalog() -> Catalog:
    return load_catalog(CATALOG, ICONS)


@FUZZ
@given(seed=st.integers(0, 2**32 - 1), target=st.sampled_from(PROFILE_FILES))
def test_a_damaged_profile_is_refused_with_its_name_or_loads(seed: int, target: str) -> None:
    catalog = bundled_catalog()
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as folder:
        profiles = Path(folder) / "profiles"
        shutil.copytree(PROFILES, profiles)
        path = profiles / target
        path.write_bytes(damaged(path, rng))
        try:
            check_against_catalog(load_profile_file(path, RESOURCES), catalog)
        except DataFileError as exc:
            assert_names(exc, target)
        library = ProfileLibrary(profiles, Path(folder) / "last-good", RESOURCES)
        profile, _warnings = choose_profile(library, path.stem, catalog)
        assert profile.name


def test_a_profile_with_an_absurdly_long_logo_name_is_refused_cleanly(tmp_path: Path) -> None:
    text = (PROFILES / "sari-lobby.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    data["logo"] = "x" * 5000
    path = tmp_path / "sari-lobby.toml"
    path.write_text(to_toml(data), encoding="utf-8")
    with pytest.raises(DataFileError) as refused:
        load_profile_file(path, RESOURCES)
    assert_names(refused.value, "sari-lobby.toml")


def test_an_agency_with_an_absurdly_long_icon_name_is_refused_cleanly(tmp_path: Path) -> None:
    catalog = tmp_path / "catalog"
    shutil.copytree(CATALOG, catalog)
    path = catalog / "agencies" / "health-insurance.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["icon"] = "health" * 1000
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(DataFileError) as refused:
        load_catalog(catalog, ICONS)
    assert_names(refused.value, "health-insurance.json")


def test_damage_leaves_the_odd_values_as_they_were() -> None:
    """The damage puts copies in: a full run once failed (RecursionError, ~2,000 levels deep) on a
    profile damaged with odd values that earlier examples had changed in place."""
    before = repr(ODD_VALUES)
    for seed in range(3000):
        rng = random.Random(seed)
        document = {"a": [1, {"b": "c"}], "d": {"e": [2]}}
        for _ in range(3):
            document = damage_structure(document, rng)
    assert repr(ODD_VALUES) == before
