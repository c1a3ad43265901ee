"""The arabic-tools command line: thin typer commands over the arabic_tools library.

In a wheel this package is installed as ``arabic_tools.cli``; in a checkout it is the
top-level ``cli/`` folder. Its modules import each other relatively, so both work.
"""
