"""The helper the kiosk's end-to-end tests use: harness/central_server.py."""

from __future__ import annotations

import copy
from pathlib import Path

import httpx
import pytest

from harness.central_server import RunningCentral, start_central_server
from kiosk.core.datafile import DataFileError
from tests.support.factories import SAMPLE_AGENCIES


def test_the_server_answers_on_127_0_0_1_and_stops(tmp_path: Path) -> None:
    with start_central_server(tmp_path / "central") as central:
        assert central.url.startswith("http://127.0.0.1:")
        assert httpx.get(central.url + "/openapi.json").status_code == 200
        url = central.url
    with pytest.raises(httpx.ConnectError):
        httpx.get(url + "/openapi.json", timeout=2)


def test_publish_catalog_refuses_what_the_kiosk_would_refuse(central: RunningCentral) -> None:
    broken = copy.deepcopy(SAMPLE_AGENCIES)
    broken[0]["services"][0]["id"] = "not an id"
    with pytest.raises(DataFileError):
        central.publish_catalog({"format": 1, "version": "x", "agencies": broken})
    assert central.store.catalogs.latest() is None
    etag = central.publish_catalog({"format": 1, "version": "x", "agencies": copy.deepcopy(SAMPLE_AGENCIES)})
    assert etag.startswith('"1-')


def test_reset_empties_everything(central: RunningCentral) -> None:
    number, token = central.add_kiosk("Booth")
    central.publish_catalog({"format": 1, "version": "x", "agencies": copy.deepcopy(SAMPLE_AGENCIES)})
    central.reset()
    assert central.store.kiosks.fleet() == [] and central.requests() == [] and central.heartbeats() == []
    assert central.store.catalogs.latest() is None
    response = httpx.get(central.url + "/api/v1/catalog", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401  # the old kiosk is gone, cached token or not
    assert central.add_kiosk("Again")[0] == 1
    with pytest.raises(LookupError):
        central.revoke_kiosk(number + 5)
