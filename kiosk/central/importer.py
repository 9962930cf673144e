"""``kiosk-central import``: a kiosk's outbox export (USB) stored request by request, each once.

The file is ``{"format": 1, "kind": "pishkhan-outbox-export", "kiosk_number": 7, "exported_at":
ISO, "requests": [{"idempotency_key": UUID, "body": {...}}]}``. Each request goes through the same
``store.requests.submit`` as the API, so the Idempotency-Key decides: a key already stored is counted and
skipped, and a request the API would refuse is refused here too, with the reason.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from kiosk.central.store import Store
from kiosk.central.store.intake import Refused
from kiosk.central.store.kiosks import KioskIdentity

EXPORT_KIND = "pishkhan-outbox-export"
EXPORT_FORMAT = 1
MAX_EXPORT_BYTES = 512 * 1024 * 1024


class ExportFileError(Exception):
    """The file as a whole cannot be imported."""


@dataclass
class ImportResult:
    kiosk_number: int
    new: int = 0
    already: int = 0
    refused: int = 0
    problems: list[str] = field(default_factory=list)


def read_export(path: Path) -> dict[str, Any]:
    try:
        if path.stat().st_size > MAX_EXPORT_BYTES:
            raise ExportFileError(f"{path}: larger than {MAX_EXPORT_BYTES} bytes")
        data = json.loads(path.read_bytes().decode("utf-8-sig"))
    except FileNotFoundError:
        raise ExportFileError(f"{path}: no such file") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ExportFileError(f"{path}: not a JSON export file ({exc})") from None
    if not isinstance(data, dict) or data.get("kind") != EXPORT_KIND:
        raise ExportFileError(f"{path}: not a Pishkhan outbox export (kind should be {EXPORT_KIND!r})")
    if data.get("format") != EXPORT_FORMAT:
        raise ExportFileError(f"{path}: export format {data.get('format')!r}; this server reads format {EXPORT_FORMAT}")
    number = data.get("kiosk_number")
    if isinstance(number, bool) or not isinstance(number, int):
        raise ExportFileError(f"{path}: kiosk_number should be a whole number")
    if not isinstance(data.get("requests"), list):
        raise ExportFileError(f"{path}: requests should be a list")
    return data


def import_export(store: Store, path: Path) -> ImportResult:
    data = read_export(path)
    kiosk = store.kiosks.by_number(data["kiosk_number"])
    if kiosk is None:
        raise ExportFileError(f"{path}: kiosk {data['kiosk_number']} is not registered on this server")
    identity = KioskIdentity(id=kiosk.id, number=kiosk.number)
    result = ImportResult(kiosk_number=kiosk.number)
    for index, item in enumerate(data["requests"]):
        place = f"requests[{index}]"
        if not isinstance(item, dict) or set(item) != {"idempotency_key", "body"}:
            result.refused += 1
            result.problems.append(f"{place}: should be an object with idempotency_key and body")
            continue
        try:
            key = str(uuid.UUID(str(item["idempotency_key"])))
        except ValueError:
            result.refused += 1
            result.problems.append(f"{place}.idempotency_key: not a UUID")
            continue
        if not isinstance(item["body"], dict):
            result.refused += 1
            result.problems.append(f"{place}.body: should be an object")
            continue
        try:
            receipt = store.requests.submit(identity, key, item["body"], source="import")
        except ValidationError as exc:
            result.refused += 1
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first.get("loc", ()))
            result.problems.append(f"{place}.body.{where}: {first.get('msg')}")
            continue
        except Refused as exc:
            result.refused += 1
            result.problems.append(f"{place}: {exc.detail}")
            continue
        if receipt.created:
            result.new += 1
        else:
            result.already += 1
    return result
