"""Pydantic schemas: what enters factdb (``*Create``), what leaves it (``*Read``), file rows."""
