"""Shared fixtures. Tests never depend on the working directory."""

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def _shared_data() -> Path:
    """../shared/data beside the checkout (as in CI), or $ARABIC_TOOLS_SHARED_DATA."""
    configured = os.environ.get("ARABIC_TOOLS_SHARED_DATA")
    return Path(configured) if configured else REPO.parent / "shared" / "data"


SHARED_DATA = _shared_data()


@pytest.fixture
def shared_data() -> Path:
    """The development data in ../shared/data; tests that need it skip without it."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"development data not found at {SHARED_DATA}")
    return SHARED_DATA


@pytest.fixture(autouse=True)
def _clean_rule_overlays(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test sees rule overlays from the environment or another test.

    Setting the variable through monkeypatch (empty: no overlays) restores it after
    the test, including when the test ran ``--rules``, which extends it.
    """
    monkeypatch.setenv("ARABIC_TOOLS_RULES", "")
