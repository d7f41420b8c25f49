"""Make the scripts importable from the tests (they are run as files by users)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
