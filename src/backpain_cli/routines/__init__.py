"""Routine files to routines: the format, loader, reuse library, model, timeline, schema,
templates, the catalogue of files and the routine outputs (summary, handouts)."""
