"""The link to the central server: its HTTP client, the sync engine that delivers the outbox,
catalog updates and the tracking look-up. Plain asyncio with blocking calls off the loop's thread;
no Qt (see docs/architecture.md)."""
