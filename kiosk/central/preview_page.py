"""The catalog's preview pages: a published service as kiosks draw it, for staff.

``GET /catalog/preview/{service}`` shows the card, each question of its form and the review, in
Persian and English, on a landscape and a portrait screen, side by side; each image is
``GET /catalog/preview/{service}/{language}/{orientation}/{name}.png``. The images are drawn by the
kiosk itself (``kiosk.central.preview``) from the latest published catalog. An administrator may
see every agency's services, agency staff their agencies' (``kiosk.central.roles``).
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import FileResponse, Response

from kiosk.central import roles
from kiosk.central.dashboard import Staff, StaffUser, board_of, security_headers
from kiosk.central.preview import LANGUAGES, ORIENTATIONS, Preview, Previewer, PreviewFailed, Selection
from kiosk.central.settings import Settings
from kiosk.core.persian import to_persian_digits

LANGUAGE_NAMES = {"fa": "فارسی", "en": "انگلیسی"}
ORIENTATION_NAMES = {"landscape": "صفحهٔ افقی", "portrait": "صفحهٔ عمودی"}

router = APIRouter(include_in_schema=False)


def install(app: FastAPI, settings: Settings) -> None:
    app.state.previewer = Previewer(settings.data_dir, settings.kiosk_program or None)
    app.include_router(router)


def previewer_of(request: Request) -> Previewer:
    previewer: Previewer = request.app.state.previewer
    return previewer


def _published_service(request: Request, staff: Staff, service_id: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """The latest published catalog and the service in it, if this staff member may see it."""
    release = board_of(request).store.catalogs.latest()
    if release is None:
        return None
    document = json.loads(release.document)
    for agency in document.get("agencies", ()):
        for service in agency.get("services", ()):
            if service.get("id") == service_id:
                user = staff.user
                if user.role == roles.ADMIN or user.all_agencies or agency["id"] in (user.agencies or ()):
                    return document, service
                return None
    return None


def _not_found(request: Request, staff: Staff) -> Response:
    board = board_of(request)
    return board.render(request, "catalog_preview_missing.html", status_code=404, staff=staff, nav="")


@router.get("/catalog/preview/{service_id}")
def preview_page(request: Request, staff: StaffUser, service_id: str) -> Response:
    found = _published_service(request, staff, service_id)
    if found is None:
        return _not_found(request, staff)
    document, service = found
    board = board_of(request)
    try:
        preview = previewer_of(request).preview(document, Selection(services=(service_id,)))
    except PreviewFailed as exc:
        return board.render(
            request, "catalog_preview.html", status_code=503, staff=staff, nav="", service=service,
            version=document.get("version", ""), groups=[], problem=exc.message,
        )  # fmt: skip
    return board.render(
        request, "catalog_preview.html", staff=staff, nav="", service=service,
        version=document.get("version", ""), groups=groups(preview, service_id), problem="",
    )  # fmt: skip


@router.get("/catalog/preview/{service_id}/{language}/{orientation}/{name}.png")
def preview_image(
    request: Request, staff: StaffUser, service_id: str, language: str, orientation: str, name: str
) -> Response:
    found = _published_service(request, staff, service_id)
    if found is None or language not in LANGUAGES or orientation not in ORIENTATIONS:
        return _not_found(request, staff)
    try:
        preview = previewer_of(request).preview(found[0], Selection(services=(service_id,)))
    except PreviewFailed as exc:
        return Response(exc.message, status_code=503, media_type="text/plain; charset=utf-8")
    path = preview.image(service_id, language, orientation, name)
    if path is None:
        return _not_found(request, staff)
    response = FileResponse(path, media_type="image/png")
    security_headers(response)
    return response


def groups(preview: Preview, service_id: str, url_base: str | None = None) -> list[dict[str, Any]]:
    """The images in rows: one a language and orientation, card, questions, review in order. Each
    image's address is under ``url_base`` (the published service's preview by default)."""
    base = url_base or f"/catalog/preview/{service_id}"
    rows: list[dict[str, Any]] = []
    for language in LANGUAGES:
        for orientation in ORIENTATIONS:
            shots = [
                {
                    "url": f"{base}/{image['file'].split('/', 1)[1]}",
                    "caption": caption(image),
                    "width": image["size"][0],
                    "height": image["size"][1],
                    "fits": image.get("fits", True),
                }
                for image in preview.of_service(service_id)
                if image["language"] == language and image["orientation"] == orientation
            ]
            if shots:
                label = f"{LANGUAGE_NAMES[language]}، {ORIENTATION_NAMES[orientation]}"
                rows.append({"label": label, "orientation": orientation, "shots": shots})
    return rows


def caption(image: dict[str, Any]) -> str:
    if image["screen"] == "card":
        return "کارت خدمت"
    if image["screen"] == "review":
        return "بازبینی پاسخ‌ها"
    return f"پرسش {to_persian_digits(str(image['step']))}"
