"""The dashboard's edit form holds a whole service: every bundled service, put in the form and read
back untouched, is the same document (so saving an untouched form changes nothing)."""

from __future__ import annotations

from kiosk.central.editing import form_of, service_from_form
from kiosk.core.catalog import catalog_document
from kiosk.core.paths import resources_root


def test_every_bundled_service_round_trips_through_the_edit_form() -> None:
    resources = resources_root() / "resources"
    document = catalog_document(resources / "catalog", resources / "icons")
    services = [service for agency in document["agencies"] for service in agency["services"]]
    assert len(services) >= 60
    for service in services:
        form = form_of(service)
        # A browser sends only ticked boxes: an unticked "required" is absent, as here.
        form = {key: value for key, value in form.items() if not (key.endswith("_required") and not value)}
        proposed, errors = service_from_form(service, form)
        assert errors == [], (service["id"], errors)
        assert proposed == service, service["id"]
