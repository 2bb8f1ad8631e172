"""Routines to the person: the engine walking a timeline, and what it drives
(screen, keys, sound, speech, the pain question and the words after "this hurts")."""
