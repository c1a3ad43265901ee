"""The arabic-tools command line: the table of contents of its commands."""

from typing import Annotated, Optional

import typer

from . import latinize, normalize, rules, strip_diacritics, transliterate
from . import resample
from . import tokenize
from . import khaleeji
from ._pipeline import line_command

app = typer.Typer(no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False,
                  rich_markup_mode=None, context_settings={"help_option_names": ["-h", "--help"]},
                  help="Arabic text processing for speech and language data pipelines.")


def _show_version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        print(f"arabic-tools {version('arabic-tools')}")
        raise typer.Exit()


@app.callback()
def main(version: Annotated[Optional[bool], typer.Option("--version", callback=_show_version, is_eager=True,
                                                          help="Show the version and exit.")] = None) -> None:
    """Arabic text processing for speech and language data pipelines."""


line_command(app, "strip-diacritics")(strip_diacritics.strip_diacritics)
line_command(app, "normalize")(normalize.normalize)
line_command(app, "transliterate")(transliterate.transliterate)
line_command(app, "tokenize")(tokenize.tokenize)
line_command(app, "khaleeji")(khaleeji.khaleeji)
line_command(app, "latinize")(latinize.latinize)
app.command("latinize-index")(latinize.latinize_index)
app.command("latinize-context")(latinize.latinize_context)
app.command("resample")(resample.resample)
app.add_typer(rules.app, name="rules")
