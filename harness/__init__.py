"""Drives the real kiosk window, the real central server and the frozen bundle as a person or a
technician would: a citizen tapping through whole sessions (``harness.citizen``), the central
server started on 127.0.0.1 (``harness.central_server``), the PyInstaller bundle built from this
tree (``harness.bundle``). Used by the tests, the benchmarks and the docs' screenshot scripts;
not shipped (``pyproject.toml`` packages ``kiosk`` only)."""
