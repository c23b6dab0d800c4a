"""``python -m iocirc``: the :mod:`iocirc.cli` command line."""

import sys

from iocirc.cli import main

sys.exit(main())
