"""The reference central server: kiosks deliver citizens' requests to it, agency staff answer them.

Optional extra ``[central]``; command ``kiosk-central``. The API contract is the table under "The
central server" in docs/architecture.md and the OpenAPI document the server serves at
``/openapi.json``.

Modules: ``settings`` (what can be configured), ``security`` (hashes, tokens, keyed hashes),
``models`` + ``db`` + ``migrations/`` (storage), ``store/`` (what the API, the dashboard, the
importer and the CLI do to the data, a module an aggregate: requests, kiosks, catalogs, people,
usage), ``api`` (kiosk API), ``dashboard`` (staff web pages), ``app`` (composition root),
``__main__`` (the command line).
"""
