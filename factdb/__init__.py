"""factdb: a fact-checking claims database with exact source attribution."""

__version__ = "0.1.0"
