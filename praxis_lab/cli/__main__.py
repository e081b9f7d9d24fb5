"""``python -m praxis_lab.cli``: the ``praxis-lab`` command."""

import sys

from praxis_lab.cli import main

sys.exit(main())
