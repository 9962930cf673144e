"""The application: the composition root that builds and wires the kiosk, its command line, what
staff mode does, the self-test and the configuration report. The top layer: it may import every
other part of the kiosk, and nothing imports it (see docs/architecture.md)."""
