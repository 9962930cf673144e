"""Helpers shared by test suites (the central server for the kiosk's end-to-end tests, for one)."""
