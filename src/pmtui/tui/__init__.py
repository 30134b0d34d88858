"""The Textual user interface: the facilitator app, its screens and widgets."""
