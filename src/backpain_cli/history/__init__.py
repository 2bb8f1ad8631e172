"""What was done: the SQLite store, the recorder listener, records, stats and their views."""
