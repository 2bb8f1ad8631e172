"""Routine files to routines: the format, loader, reuse library, model, timeline, JSON
Schema, templates, the catalogue of files and the routine outputs (listings, handouts)."""
