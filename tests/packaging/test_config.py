"""Configuration precedence (command line > environment > config.toml > profile defaults) and
`kiosk --print-config`, which shows the result with the token masked and writes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.app.cli import main
from kiosk.core.datafile import DataFileError, read_json
from kiosk.core.settings import KioskSettings, load_settings

TOKEN = "007.s3cr3t-t0ken-for-kiosk-seven"
CONFIG = f"""
kiosk_number = 12
[server]
url = "https://config.example"
token = "{TOKEN}"
"""


@pytest.fixture(autouse=True)
def _no_kiosk_settings_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("KIOSK_NUMBER", "KIOSK_SERVER_URL", "KIOSK_SERVER_TOKEN", "KIOSK_DATA_DIR"):
        monkeypatch.delenv(name, raising=False)


def config(tmp_path: Path, text: str = CONFIG) -> Path:
    path = tmp_path / "data" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def problems(exc: pytest.ExceptionInfo[DataFileError]) -> str:
    return "\n".join(str(problem) for problem in exc.value.problems)


# --- precedence -------------------------------------------------------------------------------------


def test_nothing_set_gives_the_profile_defaults(tmp_path: Path) -> None:
    settings = load_settings(tmp_path / "absent.toml", {})
    assert (settings.kiosk_number, settings.server_url, settings.server_token) == (1, None, None)
    assert settings.origin == {}
    assert settings.server_for("http://profile.example") == "http://profile.example"


def test_the_config_file_overrides_the_defaults(tmp_path: Path) -> None:
    path = config(tmp_path)
    settings = load_settings(path, {})
    assert (settings.kiosk_number, settings.server_url, settings.server_token) == (12, "https://config.example", TOKEN)
    assert set(settings.origin.values()) == {str(path)}
    assert settings.server_for("http://profile.example") == "https://config.example"


def test_the_environment_overrides_the_config_file(tmp_path: Path) -> None:
    environ = {"KIOSK_NUMBER": "31", "KIOSK_SERVER_URL": "https://env.example", "KIOSK_SERVER_TOKEN": "env-token"}
    settings = load_settings(config(tmp_path), environ)
    assert (settings.kiosk_number, settings.server_url, settings.server_token) == (
        31,
        "https://env.example",
        "env-token",
    )
    assert settings.origin == {
        "kiosk_number": "environment KIOSK_NUMBER",
        "server_url": "environment KIOSK_SERVER_URL",
        "server_token": "environment KIOSK_SERVER_TOKEN",
    }


def test_the_command_line_overrides_the_environment(tmp_path: Path) -> None:
    environ = {"KIOSK_NUMBER": "31", "KIOSK_SERVER_URL": "https://env.example"}
    settings = load_settings(config(tmp_path), environ, {"kiosk_number": 5, "server_url": "https://cli.example"})
    assert (settings.kiosk_number, settings.server_url) == (5, "https://cli.example")
    assert settings.origin["kiosk_number"] == settings.origin["server_url"] == "command line"
    # The token has no command-line option (it would show in the process list): it stays the config file's.
    assert settings.server_token == TOKEN


def test_each_setting_takes_its_own_highest_layer(tmp_path: Path) -> None:
    path = config(tmp_path, "kiosk_number = 4\n")
    settings = load_settings(path, {"KIOSK_SERVER_TOKEN": "env-token"}, {"server_url": "https://cli.example"})
    assert settings.kiosk_number == 4 and settings.origin["kiosk_number"] == str(path)
    assert settings.server_token == "env-token" and settings.origin["server_token"] == "environment KIOSK_SERVER_TOKEN"
    assert settings.server_url == "https://cli.example" and settings.origin["server_url"] == "command line"


def test_unset_and_empty_values_fall_through_to_the_next_layer(tmp_path: Path) -> None:
    environ = {"KIOSK_NUMBER": "", "KIOSK_SERVER_URL": ""}
    settings = load_settings(config(tmp_path), environ, {"kiosk_number": None, "server_url": None})
    assert (settings.kiosk_number, settings.server_url) == (12, "https://config.example")


@pytest.mark.parametrize(
    ("text", "environ", "named", "message"),
    [
        ("kiosk_number = 0\n", {}, "config.toml", "it must be a whole number 1 to 999"),
        ("kiosk_number = 1000\n", {}, "config.toml", "it must be a whole number 1 to 999"),
        ("kiosk_number = 7.5\n", {}, "config.toml", "is 7.5"),
        ("kiosk_number = true\n", {}, "config.toml", "is True"),
        ("kiosk_number = '7a'\n", {}, "config.toml", "is '7a'"),
        ("", {"KIOSK_NUMBER": "seven"}, "environment KIOSK_NUMBER", "is 'seven'"),
        ("[server]\nurl = 'ftp://x'\n", {}, "config.toml", "should start with https://"),
        ("", {"KIOSK_SERVER_URL": "kiosk.sari.ir"}, "environment KIOSK_SERVER_URL", "should start with https://"),
        ("[server]\ntoken = '   '\n", {}, "config.toml", "should be a non-empty text"),
        ("kiosk_numbr = 7\n", {}, "config.toml", "kiosk_numbr"),
        ("[server]\nport = 80\n", {}, "config.toml", "port"),
        ("kiosk_number = [\n", {}, "config.toml", "TOML"),
    ],
)
def test_a_bad_value_is_refused_naming_where_it_came_from(
    tmp_path: Path, text: str, environ: dict[str, str], named: str, message: str
) -> None:
    with pytest.raises(DataFileError) as exc:
        load_settings(config(tmp_path, text), environ)
    assert named in problems(exc) and message in problems(exc)


@pytest.mark.parametrize(
    "text",
    [
        "kiosk_number = " + "[" * 5000 + "]" * 5000 + "\n",
        "[server]\nurl = " + "{a = " * 5000 + "1" + "}" * 5000 + "\n",
    ],
    ids=["arrays", "inline tables"],
)
def test_a_config_file_nested_thousands_deep_is_refused_like_any_bad_file(tmp_path: Path, text: str) -> None:
    path = config(tmp_path, text)
    with pytest.raises(DataFileError) as exc:
        load_settings(path, {})
    assert problems(exc) == f"{path}: not valid TOML: nested more than 32 levels deep"


def test_a_json_data_file_nested_thousands_deep_is_refused_too(tmp_path: Path) -> None:
    path = tmp_path / "catalog.json"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    with pytest.raises(DataFileError, match="not valid JSON: nested more than 32 levels deep"):
        read_json(path, str(path))


def test_a_refused_value_is_quoted_short(tmp_path: Path) -> None:
    path = config(tmp_path, "kiosk_number = " + "[" * 200 + "]" * 200 + "\n")
    with pytest.raises(DataFileError) as exc:
        load_settings(path, {})
    assert len(problems(exc)) < len(str(path)) + 150, problems(exc)


def test_masked_never_shows_the_token() -> None:
    masked = KioskSettings(7, None, TOKEN).masked()
    assert TOKEN not in str(masked) and TOKEN[4:12] not in str(masked)
    assert masked["server_token"] == f"{TOKEN[:4]}…({len(TOKEN)} characters)"
    assert masked["server_url"] == "(the profile's)"
    assert KioskSettings().masked()["server_token"] == "(none)"


# --- kiosk --print-config ---------------------------------------------------------------------------


def print_config(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, str], str]:
    code = main(["--print-config", *args])
    out = capsys.readouterr().out
    rows = {}
    for line in out.splitlines()[1:]:
        name, sep, value = line.partition(":")
        if sep and not line.startswith(" "):
            rows[name] = value.strip()
    return code, rows, out


def test_print_config_shows_each_value_and_where_it_came_from(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    path = config(tmp_path, f'kiosk_number = 12\n[server]\ntoken = "{TOKEN}"\n')
    monkeypatch.setenv("KIOSK_SERVER_URL", "https://env.example")
    code, rows, out = print_config(capsys, "--data-dir", str(data), "--profile", "sari-lobby")
    assert code == 0, out
    assert rows["version"] == __import__("kiosk").__version__
    assert rows["data folder"] == f"{data} (from command line --data-dir)"
    assert rows["config file"] == f"{path} (present)"
    assert rows["profile"] == "sari-lobby (from command line --profile)"
    assert rows["mode"] == "live (from profile sari-lobby)"
    assert rows["kiosk number"] == f"12 (from config file {path})"
    assert rows["server url"] == "https://env.example (from environment KIOSK_SERVER_URL)"
    assert rows["server token"] == f"007.…({len(TOKEN)} characters) (from config file {path})"
    assert rows["outbox"] == str(data / "outbox.db")
    assert rows["resources"].endswith("(source tree)")
    assert TOKEN not in out and TOKEN[4:] not in out


def test_print_config_command_line_beats_environment_and_profile_fills_the_rest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KIOSK_DATA_DIR", str(tmp_path / "from-env"))
    monkeypatch.setenv("KIOSK_NUMBER", "31")
    code, rows, out = print_config(capsys, "--kiosk-number", "8")
    assert code == 0, out
    assert rows["data folder"] == f"{(tmp_path / 'from-env').resolve()} (from environment KIOSK_DATA_DIR)"
    assert rows["config file"].endswith("(absent: nothing set there)")
    assert rows["profile"] == "festival (default)"
    assert rows["kiosk number"] == "8 (from command line --kiosk-number)"
    assert rows["server url"] == "http://127.0.0.1:8765 (from profile festival)"
    assert rows["server token"] == "(none) (default)"


def test_print_config_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "never-created"
    code, _rows, out = print_config(capsys, "--data-dir", str(data))
    assert code == 0, out
    assert not data.exists(), "a report must not create the data folder or keep profile copies"


def test_print_config_reports_refused_settings_and_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = config(tmp_path, "kiosk_number = 7.5\n")
    code, rows, out = print_config(capsys, "--data-dir", str(path.parent))
    assert code == 1
    assert rows["kiosk number"] == "1 (default: settings refused)"
    assert "settings refused; the kiosk would run with kiosk 1" in out
    assert f"{path}: kiosk_number: is 7.5; it must be a whole number 1 to 999" in out


def test_print_config_says_when_the_profile_cannot_be_used(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, rows, out = print_config(capsys, "--data-dir", str(tmp_path / "d"), "--profile", "no-such-booth")
    assert code == 1
    assert rows["profile"] == "safe-mode (asked for 'no-such-booth', from command line --profile; it cannot be used)"
    assert "there is no profile 'no-such-booth'" in out


def test_print_config_and_the_self_test_show_the_signing_key_or_say_what_its_absence_means(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from kiosk.app.selftest import self_test
    from kiosk.core.paths import KioskPaths, resources_root
    from kiosk.core.release_signing import ReleaseSigner

    signer = ReleaseSigner.generate()[0]
    data = tmp_path / "data"
    _code, rows, out = print_config(capsys, "--data-dir", str(data), "--profile", "sari-lobby")
    assert rows["signing key"] == "(none provisioned: this live kiosk applies no release from the server)", out
    _code, rows, out = print_config(capsys, "--data-dir", str(data), "--profile", "festival")
    assert "UNCHECKED, demo mode only" in rows["signing key"]
    paths = KioskPaths(root=resources_root(), data=data)
    report: list[str] = []
    self_test(paths, "sari-lobby", report.append)
    assert any("WARNING signing key: none provisioned: this live kiosk applies no" in line for line in report)

    data.mkdir(exist_ok=True)
    path = data / "config.toml"
    path.write_text(f'[server]\nsigning_key = "{signer.public_key_text}"\n', encoding="utf-8")
    _code, rows, out = print_config(capsys, "--data-dir", str(data), "--profile", "sari-lobby")
    assert rows["signing key"] == f"{signer.fingerprint} (from config file {path})"
    report.clear()
    self_test(paths, "sari-lobby", report.append)
    assert any(f"ok    signing key: releases are checked against {signer.fingerprint}" in line for line in report)
