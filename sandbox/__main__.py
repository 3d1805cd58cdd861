"""`python -m sandbox` is the `cpd-sandbox` command."""

from sandbox.cli import main

raise SystemExit(main())
