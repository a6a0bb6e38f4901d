"""Services: keyword-only functions that take a session and schemas and do one job each.

They flush but never commit: the caller's unit of work decides, so a failure changes nothing.
"""
