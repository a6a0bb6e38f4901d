"""Readers of the files users import: CSV and TSV, JSON and JSON Lines records (mapped field by
field when they are not factdb's own), dates as files write them, format detection, and the
queries of a batch ``match``. They stream, and report a bad record without stopping."""
