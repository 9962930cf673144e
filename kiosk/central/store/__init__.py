"""The central server's data, one aggregate a module, built together in ``Store`` over one database.

``store.requests`` (citizens' requests: intake, status, the dashboard's lists), ``store.kiosks``
(identities and heartbeats), ``store.catalogs`` (published releases), ``store.drafts`` (agencies'
proposed changes to their services, their review and the releases they make), ``store.people`` (staff,
their roles, sessions and audit log), ``store.logins`` (throttling password guesses) and
``store.usage`` (anonymous usage events). The API, the dashboard, the importer and the command
line all receive a ``Store``; none of them builds a query of its own.
"""

from __future__ import annotations

import secrets
from functools import cached_property

from sqlalchemy.exc import IntegrityError

from kiosk.central import security
from kiosk.central.db import Database
from kiosk.central.models import ServerSetting
from kiosk.central.settings import Settings
from kiosk.central.store.answers import Answers, ServerKeys
from kiosk.central.store.catalogs import Catalogs
from kiosk.central.store.drafts import Drafts
from kiosk.central.store.kiosks import Kiosks
from kiosk.central.store.logins import Logins
from kiosk.central.store.people import People
from kiosk.central.store.requests import Requests
from kiosk.central.store.usage import Usage
from kiosk.core.release_signing import ReleaseSigner


class Store:
    """The aggregates, bound to one database, the server's key and its settings.

    The one secret (``secret.key`` or ``KIOSK_CENTRAL_SECRET``) gives every key the server has:
    national-ID digests and hashes, the key pair kiosks seal answers to, and the at-rest key."""

    def __init__(self, db: Database, key: bytes, settings: Settings) -> None:
        self.db = db
        self.settings = settings
        self._key = key
        self.keys = ServerKeys(key)
        self.answers = Answers(db, self.keys, settings.seal_batch_size)
        self.requests = Requests(db, key, settings, self.answers)
        self.kiosks = Kiosks(db, settings)
        self.catalogs = Catalogs(db, lambda: self.release_signer, on_publish=self.answers.mobile_fields.stale)
        self.drafts = Drafts(db, self.catalogs)
        self.people = People(db, settings)
        self.logins = Logins(db, key)
        self.usage = Usage(db, settings)

    @property
    def sealing_key(self) -> str:
        """The public key kiosks seal answers to (base64), as config.toml's ``server_key`` holds it."""
        return self.keys.public_key_text

    @property
    def sealing_fingerprint(self) -> str:
        return self.keys.fingerprint

    @cached_property
    def release_signer(self) -> ReleaseSigner:
        """The key catalog releases are signed with (``signing.key`` in the data folder, made on first
        use); kiosks are provisioned with its public half (``kiosk-central signing-key``)."""
        return ReleaseSigner(security.load_or_create_signing_seed(self.settings.signing_key_file))

    def seal_clear_answers(self) -> int:
        """Seal the answers older servers kept in clear; how many (0, at once, when none)."""
        return self.answers.seal_clear_rows()

    def check_secret(self) -> None:
        """Record the key's fingerprint on first use; refuse to run with a different key later."""
        fingerprint = security.secret_fingerprint(self._key)
        try:
            with self.db.write() as session:
                row = session.get(ServerSetting, "secret_fingerprint")
                if row is None:
                    session.add(ServerSetting(key="secret_fingerprint", value=fingerprint))
                    return
                stored = row.value
        except IntegrityError:  # another server recorded its key at the same moment
            with self.db.read() as session:
                stored = session.get_one(ServerSetting, "secret_fingerprint").value
        if not secrets.compare_digest(stored, fingerprint):
            raise RuntimeError(
                "this server's secret key differs from the one the database was used with; "
                "servers sharing a database need the same key (data folder secret.key or KIOSK_CENTRAL_SECRET)"
            )
