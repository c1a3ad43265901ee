"""Packaging: the console script finds its rules from any directory, installed either way."""

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "-w", str(out), str(REPO)], check=True, cwd=out)
    [built] = out.glob("arabic_tools-*.whl")
    return built


def test_wheel_ships_rules_and_cli_inside_the_package(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    shipped_rules = {n for n in names if n.startswith("arabic_tools/rules/") and n.endswith(".yaml")}
    repo_rules = {f"arabic_tools/rules/{p.relative_to(REPO / 'rules').as_posix()}" for p in (REPO / "rules").rglob("*.yaml")}
    assert shipped_rules == repo_rules
    assert "arabic_tools/cli/main.py" in names
    assert "arabic_tools/py.typed" in names
    # Nothing generic at the top level of site-packages.
    top_level = {n.split("/")[0] for n in names}
    assert {t for t in top_level if not t.endswith(".dist-info")} == {"arabic_tools"}


def test_installed_wheel_runs_from_another_directory(wheel, tmp_path):
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(site), str(wheel)],
                   check=True)
    env = {**os.environ, "PYTHONPATH": str(site)}
    where = subprocess.run([sys.executable, "-c", "from arabic_tools import rulebook; print(rulebook.rules_dir())"],
                           cwd=tmp_path, env=env, capture_output=True, text=True, check=True)
    assert where.stdout.strip() == str(site / "arabic_tools" / "rules")
    result = subprocess.run([str(site / "bin" / "arabic-tools"), "normalize"], input="أحمد إلى آخر\n".encode(),
                            cwd=tmp_path, env=env, capture_output=True, check=True)
    assert result.stdout == "احمد الى اخر\n".encode()


def test_development_install_runs_from_another_directory(tmp_path):
    script = BIN / "arabic-tools"
    if not script.exists():
        pytest.skip("arabic-tools is not installed in this environment")
    result = subprocess.run([str(script), "strip-diacritics"], input="كَتَبَ\r\n".encode(), cwd=tmp_path,
                            capture_output=True, check=True)
    assert result.stdout == "كتب\r\n".encode()


def test_python_dash_m_works(tmp_path):
    result = subprocess.run([sys.executable, "-m", "arabic_tools", "--version"], cwd=tmp_path,
                            capture_output=True, text=True, check=True)
    assert result.stdout.startswith("arabic-tools ")
