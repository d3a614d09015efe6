import sys
from pathlib import Path

from . import build_all
from ..render import TEMPLATES_DIR

for path in build_all(Path(sys.argv[1]) if len(sys.argv) > 1 else TEMPLATES_DIR):
    print(path)
