"""The documents tests' helpers (generated files, upload helper) as the ``h`` fixture."""

import importlib.util
from pathlib import Path

import pytest

_spec = importlib.util.spec_from_file_location("documents_test_helpers", Path(__file__).with_name("helpers.py"))
helpers = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(helpers)


@pytest.fixture
def h():
    return helpers
