"""`python -m lead_funnel ...` is the `lead-funnel` command."""

from lead_funnel.cli import main

raise SystemExit(main())
