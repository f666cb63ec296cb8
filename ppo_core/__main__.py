"""``python -m ppo_core``: train PPO from the command line (see :mod:`ppo_core.cli`)."""

import sys

from .cli import main

sys.exit(main())
