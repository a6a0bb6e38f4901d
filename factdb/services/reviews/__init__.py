"""Reviews: appending verdicts (the newest sets a claim's status) and re-deriving statuses from
published rating labels when the label map changes."""
