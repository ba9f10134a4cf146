"""``python -m handbook``: the same command line as the ``handbook`` console script."""

from handbook.cli import main

raise SystemExit(main())
