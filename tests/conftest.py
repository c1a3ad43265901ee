"""Shared fixtures. Tests never depend on the working directory."""

import json
import os
from collections.abc import Callable
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


@pytest.fixture
def camel_catalogue(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[dict[str, Path]], None]:
    """A function that makes camel-tools' catalogue, in this process, list the given
    morphology databases (name -> folder of its morphology.db), as camel_data would."""
    def make(datasets: dict[str, Path]) -> None:
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
        from arabic_tools import tokenize_morphology

        tokenize_morphology._offline_catalogue()  # before camel_tools.data is imported
        import camel_tools.data
        from camel_tools.data.catalogue import Catalogue

        path = tmp_path / "camel-catalogue.json"
        path.write_text(json.dumps({"version": "1.5", "packages": {}, "components": {"MorphologyDB": {
            "default": "", "datasets": {name: {"path": str(folder)} for name, folder in datasets.items()}}}}),
            encoding="utf-8")
        monkeypatch.setattr(camel_tools.data, "CATALOGUE", Catalogue.load_catalogue(path))

    return make
