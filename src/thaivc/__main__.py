"""``python -m thaivc`` is the ``thaivc`` command."""

import sys

from thaivc.cli import main

sys.exit(main())
