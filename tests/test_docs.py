"""The README and --help stay honest: every command is documented in both."""

from pathlib import Path

from typer.main import get_command
from typer.testing import CliRunner

from cli.main import app

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
COMMANDS = sorted(get_command(app).commands)  # type: ignore[attr-defined]


def test_readme_opens_with_the_two_set_up_commands():
    head = README.split("\n## ")[0]
    assert "make demo" in head and "make test" in head


def test_every_command_has_a_readme_section_and_help():
    runner = CliRunner()
    for name in COMMANDS:
        assert f"## {name}" in README or f"`{name}`" in README, name
        result = runner.invoke(app, [name, "--help"])
        assert result.exit_code == 0, name
        assert len(result.stdout.strip()) > 40, name
