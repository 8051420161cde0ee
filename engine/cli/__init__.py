"""runstrong's command line: one module per command group, shared options in options.py."""
