"""A routine's progression over weeks: which step is current, and why (pure, no I/O)."""
