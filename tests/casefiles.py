"""Load the labelled case files in tests/cases/ as pytest parameters.

A case file is a YAML list of mappings, each with a unique ``label`` (the test id),
``input`` and ``expected``, and optionally ``expect: fail`` for a known failure: such a
case runs as ``xfail(strict=True)``, so a fix is noticed.
"""

from pathlib import Path
from typing import Any

import pytest
import yaml

CASES = Path(__file__).resolve().parent / "cases"


def cases(name: str) -> list[Any]:
    """The cases of ``tests/cases/<name>.yaml`` as ``pytest.param(case, id=label)``."""
    path = CASES / f"{name}.yaml"
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    labels = [entry["label"] for entry in entries]
    duplicates = {label for label in labels if labels.count(label) > 1}
    if duplicates:
        raise ValueError(f"{path}: duplicate labels {sorted(duplicates)}")
    params = []
    for entry in entries:
        marks = []
        if entry.get("expect", "pass") == "fail":
            marks.append(pytest.mark.xfail(strict=True, reason=entry.get("comment", "known failure")))
        params.append(pytest.param(entry, id=entry["label"], marks=marks))
    return params
