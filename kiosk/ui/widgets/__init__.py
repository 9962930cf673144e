"""Reusable widgets: tiles, the QR view, the header."""
