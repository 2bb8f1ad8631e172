"""Routines to the person: the engine walking a timeline, and what it drives
(screen, keys, sound, speech, pain check-ins, the session wiring)."""
