"""Readers and writers of file formats: they stream rows and know nothing of the CLI or database."""
