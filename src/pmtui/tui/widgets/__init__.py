"""Reusable widgets of the facilitator app."""
