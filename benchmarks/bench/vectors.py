"""Synthetic vectors for a large collection: a few thousand claims embedded with the model, the
others noisy copies of those, so ``match`` can be timed at a million claims without an hour
of embedding (quality on them means nothing).
"""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    pass

from bench.settings import log


def fill_synthetic_vectors(database: Path, real: int, targets: set[int], seed: int) -> None:
    """Vectors for every claim without running the model over all of them (latency runs only:
    indexing a million claims takes hours). ``real`` claims spread over the collection, and
    every claim a match query looks for, get their true embedding; each other claim gets the
    embedding of one of those plus noise (cosine about 0.85 to it), so the vectors have the
    clustered shape of real ones. Match quality measured on such an index means nothing."""
    import numpy as np

    from factdb.services.vectors.embeddings import encode, model_id

    rng = np.random.default_rng(seed)
    with contextlib.closing(sqlite3.connect(database)) as connection:
        ids = [row[0] for row in connection.execute("SELECT id FROM claims ORDER BY id")]
        when = connection.execute("SELECT max(updated_at) FROM claims").fetchone()[0]
        chosen = sorted(set(rng.choice(ids, size=min(real, len(ids)), replace=False).tolist()))
        chosen = sorted(set(chosen) | targets)
        texts = dict(
            connection.execute(
                f"SELECT id, text FROM claims WHERE id IN ({','.join(map(str, chosen))})"
            ).fetchall()
        )
        log(f"  embedding {len(chosen):,} claims with the model …")
        bases = encode([texts[claim_id] for claim_id in chosen])
        exact = dict(zip(chosen, range(len(chosen)), strict=True))
        model = model_id()
        connection.execute("DELETE FROM claim_embeddings")
        for start in range(0, len(ids), 50_000):
            block = ids[start : start + 50_000]
            picks = rng.integers(0, len(chosen), size=len(block))
            noisy = bases[picks] + rng.normal(0, 0.03, size=(len(block), bases.shape[1]))
            noisy /= np.linalg.norm(noisy, axis=1, keepdims=True)
            vectors = noisy.astype(np.float32)
            rows = []
            for position, claim_id in enumerate(block):
                vector = bases[exact[claim_id]] if claim_id in exact else vectors[position]
                rows.append((claim_id, model, "synthetic", vector.tobytes(), when))
            connection.executemany(
                "INSERT INTO claim_embeddings (claim_id, model, input_sha256, vector, embedded_at)"
                " VALUES (?, ?, ?, ?, ?)",
                rows,
            )
        connection.commit()
