"""civicdesk: serve citizens well, and prove it."""

__version__ = "0.1.0"
