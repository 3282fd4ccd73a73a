"""Analog input: the coordinators' entry screen for paper forms, letters, e-mails and phone notes (with
private scans of the originals), and supports counted at events (dot-voting, ballot sheets)."""
