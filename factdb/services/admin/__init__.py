"""Looking after a database: its schema revision (checked cheaply, changed through Alembic),
what it holds, and consistent backups."""
