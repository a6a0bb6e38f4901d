"""Getting records out: CSV and interchange exports, the HTML and Markdown report, and counts
by status, claimant, source, language and month."""
