"""What was done: the SQLite store, one `start` in it (the session and its recorder),
records, stats and their views."""
