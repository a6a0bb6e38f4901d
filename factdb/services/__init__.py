"""Services: keyword-only functions that take a session and schemas and do one job each.

They flush but never commit: the caller's unit of work decides, so a failure changes nothing.
Grouped by feature, each subpackage saying what it owns; the layers between them (checked by
import-linter) run admin, ingest, reporting and reviews over matching, over claims, over vectors.
"""
