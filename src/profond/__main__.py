"""`python -m profond` (and `torchrun -m profond`) run the CLI."""

from profond.cli import main

main()
