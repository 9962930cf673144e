"""Composition root: builds the FastAPI app from Settings; no module-level state anywhere else.

``create_app(settings)`` is what tests, harness/central_server.py and ``kiosk-central serve``
use; ``app_from_environment`` is the factory uvicorn's worker processes call.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from kiosk import __version__
from kiosk.central import admin, dashboard, editing, exports, pages, preview_page, security, usage_page
from kiosk.central import db as database
from kiosk.central.api import ApiContext, TokenCache
from kiosk.central.api import router as api_router
from kiosk.central.errors import SafeErrors
from kiosk.central.guard import RequestGuard
from kiosk.central.ratelimit import RateLimiter
from kiosk.central.schemas import public_errors
from kiosk.central.settings import Settings, settings_from_environment
from kiosk.central.store import Store

log = logging.getLogger(__name__)


def open_store(settings: Settings, migrate: bool) -> Store:
    """The database (migrated, or checked to be current) and the server key, as a Store; answers
    older servers kept in clear are sealed before it is returned."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    db = database.connect(settings.database_url)
    try:
        if migrate:
            database.upgrade(db)
        else:
            database.require_current(db)
        store = Store(db, security.load_or_create_secret(settings.secret_file), settings)
        store.check_secret()
        # Only after the secret is known to be the database's: answers sealed with another would be lost.
        store.seal_clear_answers()
        store.catalogs.sign_unsigned()  # releases published before releases were signed
    except BaseException:
        db.dispose()
        raise
    return store


def create_app(settings: Settings, store: Store | None = None) -> FastAPI:
    store = store or open_store(settings, migrate=settings.migrate_on_start)
    limiter = RateLimiter(store.db, settings.rate_per_minute)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        scheduled = asyncio.create_task(publish_scheduled(store, settings.schedule_check_seconds))
        yield
        scheduled.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await scheduled
        limiter.dispose()
        store.db.dispose()

    app = FastAPI(
        title="Pishkhan central server",
        version=__version__,
        summary="Kiosks deliver citizens' requests; agency staff answer them.",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        # Paths are exact: a kiosk asking for /api/v1/requests/ has a bug to see, not a redirect to follow.
        redirect_slashes=False,
    )
    app.state.settings = settings
    app.state.store = store
    app.state.api = ApiContext(store=store, limiter=limiter, tokens=TokenCache())
    app.include_router(api_router)
    dashboard.install(app, settings, store)
    app.include_router(pages.router)
    app.include_router(exports.router)
    app.include_router(usage_page.router)
    preview_page.install(app, settings)
    admin.install(app)
    editing.install(app)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"detail": jsonable_encoder(public_errors(exc.errors()))}, status_code=422)

    # One pass over the body for every check made before the routes (guard.py).
    app.add_middleware(
        RequestGuard,
        max_body=settings.max_body_bytes,
        max_in_flight=settings.max_in_flight,
        larger_bodies={
            "/api/v1/usage": settings.max_usage_body_bytes,
            "/api/v1/requests/batch": settings.max_batch_body_bytes,
        },
    )
    # Added last, so outermost: an unforeseen exception is a 500 logged without its text.
    app.add_middleware(SafeErrors)
    return app


async def publish_scheduled(store: Store, every_seconds: float) -> None:
    """Publish approved drafts whose time has come, every ``every_seconds`` (a minute by default).
    Every server process runs this; the database lets one of them take each draft
    (``store.drafts.publish_due``)."""
    while True:
        await asyncio.sleep(every_seconds)
        try:
            published = await asyncio.to_thread(store.drafts.publish_due)
        except Exception:  # a database hiccup: try again next time, never end the task
            log.exception("publishing scheduled drafts failed; trying again in %s s", every_seconds)
            continue
        if published:
            log.info("published scheduled drafts %s", published)


def app_from_environment() -> FastAPI:
    """uvicorn's factory for worker processes; ``kiosk-central serve`` migrated the database already."""
    return create_app(settings_from_environment())
