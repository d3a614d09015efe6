"""`docgen` starts light: listing commands, asking for help or listing the kinds loads no
renderer (docxtpl, Jinja, python-docx, lxml), no database layer (SQLAlchemy, Alembic) and
no web framework; those are imported by the commands that use them. Speed itself is
measured by benchmarks/startup.py, not here."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys

import pytest

from docgen import documents, dossier
from docgen.documents.kinds import Kind

HEAVY = ("docxtpl", "jinja2", "docx", "lxml", "sqlalchemy", "alembic", "flask", "werkzeug",
         "openpyxl")

PROBE = """
import sys
{setup}
heavy = sorted(m for m in {heavy!r} if m in sys.modules)
print()
print("loaded:" + ",".join(heavy))
"""

RUN_CLI = """
from docgen.cli import main
sys.argv = ["docgen", *{args!r}]
try:
    main()
except SystemExit as exc:
    assert not exc.code, exc.code
"""


def loaded_after(setup: str) -> list[str]:
    """The heavy libraries in sys.modules of a fresh interpreter after running `setup`."""
    out = subprocess.run([sys.executable, "-c", PROBE.format(setup=setup, heavy=HEAVY)],
                         capture_output=True, text=True, check=True).stdout
    last = out.rstrip("\n").rpartition("\n")[2]
    assert last.startswith("loaded:"), out
    return [name for name in last.removeprefix("loaded:").split(",") if name]


def test_importing_the_cli_loads_no_heavy_library():
    assert loaded_after("import docgen.cli") == []


def test_importing_docgen_loads_no_heavy_library():
    assert loaded_after("import docgen") == []


@pytest.mark.parametrize("args", [
    pytest.param(["--help"], id="docgen --help (shows serve from the web package)"),
    pytest.param(["kinds"], id="docgen kinds (imports every kind's module)"),
    pytest.param(["serve", "--help"], id="docgen serve --help"),
    pytest.param(["db", "--help"], id="docgen db --help"),
    pytest.param(["dossier", "--help"], id="docgen dossier --help"),
    pytest.param(["register", "--help"], id="docgen register --help"),
    pytest.param(["worker", "--help"], id="docgen worker --help (entry point in docgen.jobs)"),
    pytest.param(["render", "--help"], id="docgen render --help"),
    pytest.param(["batch", "--help"], id="docgen batch --help"),
])
def test_help_and_kinds_load_no_heavy_library(args):
    assert loaded_after(RUN_CLI.format(args=args)) == []


def test_kinds_finds_its_data_without_importlib_resources():
    """The scoring example is found in docgen's own folder: `kinds` (through the scoring
    sheet's kind) does not pay for importlib.resources and its zipfile and tempfile."""
    out = subprocess.run([sys.executable, "-c", "import sys\n" + RUN_CLI.format(args=["kinds"])
                          + "\nprint('resources' if 'importlib.resources' in sys.modules"
                          " else 'none')"], capture_output=True, text=True, check=True).stdout
    assert out.rstrip().endswith("none")


def test_rendering_still_loads_the_renderer_it_needs():
    """The lazy imports happen: a render through `docgen.render_document` works in a fresh
    interpreter and loads docxtpl then."""
    setup = ("import docgen\n"
             "from docgen.samples import load_sample\n"
             "assert docgen.render_document('plan', load_sample('plan'))[:2] == b'PK'")
    assert "docxtpl" in loaded_after(setup)


def test_every_kind_module_is_registered_under_its_own_name():
    """A kind is found by name without importing the others, so every module defining
    KIND must be listed in ORDER, under the name its KIND carries."""
    defined = {}
    for info in pkgutil.iter_modules(documents.__path__):
        module = importlib.import_module(f"docgen.documents.{info.name}")
        if isinstance(getattr(module, "KIND", None), Kind):
            defined[info.name] = module.KIND.name
    assert sorted(defined) == sorted(documents.ORDER)
    assert all(module == name for module, name in defined.items())
    assert [kind.name for kind in documents.KINDS.values()] == list(documents.ORDER)


def test_the_registry_names_kinds_without_importing_them():
    setup = ("from docgen import documents\n"
             "names = list(documents.KINDS)\n"
             "assert 'plan' in documents.KINDS and 'nothing' not in documents.KINDS\n"
             "assert len(documents.KINDS) == len(names)\n"
             "assert not [n for n in names if 'docgen.documents.' + n in sys.modules]\n"
             "documents.get('decision')\n"
             "assert 'docgen.documents.decision' in sys.modules\n"
             "assert 'docgen.documents.plan' not in sys.modules")
    assert loaded_after(setup) == []


def test_an_unknown_kind_lists_the_kinds():
    with pytest.raises(KeyError):
        documents.KINDS["nothing"]
    assert documents.KINDS.get("nothing") is None
    from docgen.errors import UserError
    with pytest.raises(UserError, match="các loại hiện có: plan, registration"):
        documents.get("nothing")


def test_the_dossier_package_gives_every_name_it_exports():
    for name in dossier.__all__:
        assert getattr(dossier, name) is not None
    with pytest.raises(AttributeError):
        dossier.nothing  # noqa: B018
