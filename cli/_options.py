"""Option types shared by the commands (sqlite-utils' output_options, as types)."""

from pathlib import Path
from typing import Annotated, Optional

import typer

Input = Annotated[str, typer.Argument(help="Input file; '-' reads standard input.", show_default=True)]
Output = Annotated[str, typer.Option("--output", "-o", help="Output file, written atomically; '-' writes standard output.")]
Field = Annotated[Optional[int], typer.Option("--field", "-f", min=1, help="Edit only this TSV field (1-based, no quoting).")]
Key = Annotated[Optional[str], typer.Option("--key", "-k", help="Edit only this string key of each JSON Lines record.")]
Header = Annotated[bool, typer.Option("--header", help="Pass the first line through unchanged (a TSV header).")]
Jobs = Annotated[int, typer.Option("--jobs", "-j", min=1, help="Worker processes; output is identical for any number.")]
Progress = Annotated[Optional[bool], typer.Option("--progress/--no-progress", help="Progress bar on stderr [default: when stderr is a terminal and the input a file].", show_default=False)]
Rules = Annotated[Optional[list[Path]], typer.Option("--rules", help="Directory of rule files searched before the shipped ones (repeatable; also ARABIC_TOOLS_RULES).", file_okay=False)]
