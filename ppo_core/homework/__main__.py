"""``python -m ppo_core.homework``: see :mod:`ppo_core.homework.cli`."""

import sys

from .cli import main

sys.exit(main())
