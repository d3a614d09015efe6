"""`python -m docgen.store.migrations revision "what changed"`: write a new revision (see
README.md beside this file)."""

import sys

from docgen.store.migrate import new_revision

if len(sys.argv) != 3 or sys.argv[1] != "revision":
    sys.exit('usage: python -m docgen.store.migrations revision "what changed"')
print(f"Wrote {new_revision(sys.argv[2])}: review it, then run tests/test_migrations.py")
