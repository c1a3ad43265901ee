import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from arabic_tools import rulebook

from ._options import Rules
from ._pipeline import reported_errors, use_rules

app = typer.Typer(no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False,
                  help="List, show and check the rule files.")


@app.command("list")
def list_rules(rules: Rules = None) -> None:
    """List the rule files on the search path with their descriptions."""
    with reported_errors():
        use_rules(rules)
        for name, source in rulebook.available().items():
            description = rulebook.load(name).description
            sys.stdout.write(f"{name}\t{description}\t{source}\n")


@app.command("show")
def show(name: Annotated[str, typer.Argument(help="Rule file name, e.g. normalize or khaleeji/kuwaiti.")],
         rules: Rules = None) -> None:
    """Print the rule file that is in effect for NAME, as written."""
    with reported_errors():
        use_rules(rules)
        source = rulebook.find(name)
        sys.stdout.write(f"# {source}\n")
        sys.stdout.write(source.read_text(encoding="utf-8"))


@app.command("check")
def check(path: Annotated[Optional[Path], typer.Argument(help="A rule file or a directory of them [default: every rule file in use].", show_default=False)] = None,
          rules: Rules = None) -> None:
    """Validate rule files by compiling them as their commands would; exit 1 on the first error."""
    with reported_errors():
        use_rules(rules)
        if path is not None:
            checked = rulebook.check_path(path)
        else:
            checked = []
            for name, source in rulebook.available().items():
                rulebook.check(rulebook.load(name))
                checked.append(str(source))
        sys.stderr.write(f"{len(checked)} rule file{'s' if len(checked) != 1 else ''} OK\n")
