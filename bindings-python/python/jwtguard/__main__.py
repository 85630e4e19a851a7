"""``python -m jwtguard``: see :mod:`jwtguard.cli`."""

import sys

from .cli import main

sys.exit(main())
