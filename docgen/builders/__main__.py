"""`python -m docgen.builders [NAME ...] [--out DIR]`: rebuild the shipped templates."""

import argparse
from pathlib import Path

from . import build_all
from ..render import TEMPLATES_DIR

parser = argparse.ArgumentParser(prog="python -m docgen.builders")
parser.add_argument("names", nargs="*", help="templates to build (default: all)")
parser.add_argument("--out", type=Path, default=TEMPLATES_DIR)
args = parser.parse_args()
for path in build_all(args.out, args.names or None):
    print(path)
