"""``python -m engine``: the runstrong command line."""

from engine.cli.main import main

main()
