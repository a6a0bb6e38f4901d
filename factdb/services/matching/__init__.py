"""Has this been checked already? Full-text search, the hybrid matcher (lexical and semantic
rankings fused, then reranked), batch answering, and clusters of likely duplicates."""
