"""``python -m kiosk``: the kiosk's command line (``kiosk.app.cli``)."""

import sys

from kiosk.app.cli import main

if __name__ == "__main__":
    sys.exit(main())
