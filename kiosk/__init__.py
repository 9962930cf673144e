"""Pishkhan: a touch-screen, right-to-left Persian kiosk for Mazandaran's e-government services."""

__version__ = "0.1.0"
