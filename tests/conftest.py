"""Shared fixtures: sample data, the CLI runner, the Flask app and client; the
`--screenshots DIR` option of the browser tests (tests/e2e/conftest.py)."""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parent))

from docgen.samples import load_sample  # noqa: E402
from helpers import ADMIN_PASSWORD, login  # noqa: E402


# The long property tests (hypothesis tests that render documents, read workbooks or drive the
# web app) are `slow`, as are the modules marked so themselves (tests/test_faults.py,
# tests/test_wheel.py): `python -m pytest` leaves them out, `make test` runs them.
SLOW_PROPERTY_MODULES = {"test_hostile.py", "test_forms.py", "test_web.py"}


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by marker
def pytest_collection_modifyitems(config, items):
    for item in items:
        if (item.path.name in SLOW_PROPERTY_MODULES
                and getattr(getattr(item, "obj", None), "is_hypothesis_test", False)):
            item.add_marker(pytest.mark.slow)


def pytest_addoption(parser):
    parser.addoption("--screenshots", metavar="DIR", default=None,
                     help="write the README's screenshots from tests/e2e into DIR (docs); "
                          "by default they go to a temporary folder")


@pytest.fixture
def sample():
    """A fresh deep copy of a sample input: `sample("decision")`."""
    def load(name: str, year: str = "quan-son-2022") -> dict:
        return copy.deepcopy(load_sample(name, year))
    return load


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture
def write_json(tmp_path):
    """Write a dict to a JSON file in tmp_path and return its path."""
    def write(data, name: str = "data.json") -> Path:
        path = tmp_path / name
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        return path
    return write


@pytest.fixture
def app(tmp_path):
    from webform import create_app
    return create_app({"TESTING": True, "WTF_CSRF_ENABLED": True,
                       "INSTANCE_PATH": str(tmp_path / "instance"),
                       "ADMIN_PASSWORD": ADMIN_PASSWORD})


@pytest.fixture
def anonymous(app):
    """A client that has not signed in."""
    return app.test_client()


@pytest.fixture
def client(app):
    """A client signed in as the district administrator."""
    c = app.test_client()
    assert login(c).status_code == 302
    return c
