"""What the tests share, so that no test module imports another or a conftest.py: catalog and
profile data (``factories``), the real window in pytest-qt tests (``window``, with the fixtures the
UI and reliability conftests bring in), the end-to-end pieces (``e2e``), a kiosk's HTTP client for
the server's tests (``kiosk_client``), a scripted "track my request" look-up (``tracking``), a
misbehaving network (``faulty_proxy``), the SIGKILL campaign (``crash``), the real kiosk process
(``kiosk_process``; ``kiosk_driver`` with a test's hand on its request desk), the storage-fault
suite's pieces (``storage_faults``, ``damage``) and the reliability run's size (``reliability``).
What benchmarks and docs use as well (the citizen, the central server, the bundle build) is in the
top-level ``harness``."""
