"""The therapist report: its contents as values, and their renderings (html, svg,
markdown, pdf)."""
