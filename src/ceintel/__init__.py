"""ceintel: one shared, safe, honest picture of child exploitation for a safeguarding partnership."""

__version__ = "0.1.0"
