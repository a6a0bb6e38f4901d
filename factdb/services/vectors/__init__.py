"""Sentence embeddings: the bundled model and its cache, the vectors stored per claim, and the
memory-mapped vector file that exact and partitioned searches read."""
