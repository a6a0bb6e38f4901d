"""The commands, one module per group of related ones; each parses its options, calls one
service, renders the result and leaves errors to ``factdb.cli.errors``."""
