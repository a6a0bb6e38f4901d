"""Claims and what they are made of: recording a claim with its claimant and the source it
appeared in, reading claims by id or filter, correcting, deleting and restoring them, their
append-only history and the counts the database keeps of them."""
