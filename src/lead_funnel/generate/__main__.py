"""python -m lead_funnel.generate: the generator's command line."""

import sys

from .cli import main

sys.exit(main(prog="python -m lead_funnel.generate"))
