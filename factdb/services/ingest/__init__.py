"""Getting records in: importing interchange files in batches (with the bulk path for large
loads), the bundled seed data, and candidate claims extracted from an article."""
