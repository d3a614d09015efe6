"""Shared fixtures: sample data, the CLI runner, the Flask app and client."""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parent))

from docgen.samples import load_sample  # noqa: E402


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
                       "INSTANCE_PATH": str(tmp_path / "instance")})


@pytest.fixture
def client(app):
    return app.test_client()
