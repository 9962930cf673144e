"""The durable request queue and its delivery to the central server (no Qt widgets)."""
