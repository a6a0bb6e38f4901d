"""Readers and writers of file formats: they stream rows and know nothing of the CLI or database.

``readers`` holds the record readers of imports; beside it are the interchange formats
(ClaimReview, Google's Fact Check Tools JSON, JSON Lines) and the report writers (CSV, HTML,
Markdown).
"""
