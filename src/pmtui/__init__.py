"""pmtui: run facilitated, blameless post-mortem meetings from the terminal."""

__version__ = "0.1.0"
