"""``kiosk-central signing-key``: the release signing key printed for provisioning kiosks, made on
first use, prepared and rotated (the releases signed again after checking them with the old key),
and releases published before signing signed at the server's start."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import update

from kiosk.central.__main__ import main
from kiosk.central.app import open_store
from kiosk.central.models import CatalogRelease
from kiosk.central.settings import Settings
from kiosk.core.release_signing import ReleaseRefused, parse_signing_key, verify_release
from kiosk.core.sealing import key_fingerprint
from tests.support.factories import write_catalog


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """``kiosk-central ARGS`` in this process: its exit code, standard output and error."""
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def printed_key(out: str) -> bytes:
    line = next(line for line in out.splitlines() if line.startswith("signing_key = "))
    return parse_signing_key(line.split('"')[1])


def releases(data: Path) -> list[tuple[int, str, str | None, str | None]]:
    store = open_store(Settings(data_dir=data), migrate=False)
    try:
        with store.db.read() as session:
            rows = session.query(CatalogRelease).order_by(CatalogRelease.id).all()
            return [(r.id, r.document, r.signature, r.signed_by) for r in rows]
    finally:
        store.db.dispose()


def test_signing_key_is_made_once_printed_and_signs_what_is_published(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    data = tmp_path / "data"
    code, out, _ = run(capsys, "signing-key", "--data-dir", str(data))
    key = printed_key(out)
    assert code == 0 and f"fingerprint: {key_fingerprint(key)}" in out
    assert (data / "signing.key").is_file() and (data / "secret.key").is_file()
    assert printed_key(run(capsys, "signing-key", "--data-dir", str(data))[1]) == key, "the same key each time"
    assert run(capsys, "catalog", "publish", str(write_catalog(tmp_path / "c")), "--data-dir", str(data))[0] == 0
    ((number, document, signature, signed_by),) = releases(data)
    assert signed_by == key_fingerprint(key)
    verify_release([key], str(number), document.encode(), signature)


def test_a_rotation_signs_the_releases_again_after_checking_them_with_the_old_key(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    data = tmp_path / "data"
    run(capsys, "catalog", "publish", str(write_catalog(tmp_path / "c")), "--data-dir", str(data))
    run(capsys, "catalog", "publish", str(write_catalog(tmp_path / "d")), "--data-dir", str(data))
    old = printed_key(run(capsys, "signing-key", "--data-dir", str(data))[1])
    code, out, _ = run(capsys, "signing-key", "--prepare", "--data-dir", str(data))
    assert code == 0
    listed = out.split("signing_key = [")[1].split("]")[0]
    new = parse_signing_key(listed.split('"')[3])
    assert parse_signing_key(listed.split('"')[1]) == old and new != old
    # Release 1 was changed in the database after it was signed: it is not signed again.
    store = open_store(Settings(data_dir=data), migrate=False)
    with store.db.write() as session:
        session.execute(update(CatalogRelease).where(CatalogRelease.id == 1).values(document='{"x":1}'))
    store.db.dispose()
    code, out, err = run(capsys, "signing-key", "--rotate", "--data-dir", str(data))
    assert code == 0 and printed_key(out) == new and "1 release(s) checked" in out
    assert "release(s) 1 no longer match" in err
    (_, bad, bad_signature, _), (number, document, signature, signed_by) = releases(data)
    assert signed_by == key_fingerprint(new)
    verify_release([new], str(number), document.encode(), signature)
    with pytest.raises(ReleaseRefused):
        verify_release([new, old], "1", bad.encode(), bad_signature)
    assert len(list(data.glob("signing.key.retired-*"))) == 1


def test_releases_published_before_signing_are_signed_at_start(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    data = tmp_path / "data"
    run(capsys, "catalog", "publish", str(write_catalog(tmp_path / "c")), "--data-dir", str(data))
    store = open_store(Settings(data_dir=data), migrate=False)
    with store.db.write() as session:
        session.execute(update(CatalogRelease).values(signature=None, signed_by=None))  # as 0011 leaves them
    store.db.dispose()
    ((number, document, signature, _),) = releases(data)  # opening the store signs them
    key = printed_key(run(capsys, "signing-key", "--data-dir", str(data))[1])
    verify_release([key], str(number), document.encode(), signature)
