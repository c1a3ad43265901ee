"""Entry point of ``python -m arabic_tools`` and the ``arabic-tools`` console script.

The wheel ships the repository's ``cli/`` folder as ``arabic_tools.cli`` so that no
generic top-level ``cli`` package lands in site-packages; an editable install or a
plain checkout has it at the top level. This shim is the only place that knows both.
"""

import importlib.util


def main() -> None:
    if importlib.util.find_spec("arabic_tools.cli") is not None:
        from arabic_tools.cli.main import app
    else:
        from cli.main import app
    app(prog_name="arabic-tools")


if __name__ == "__main__":
    main()
