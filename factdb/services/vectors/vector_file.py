"""The vector file: a database's claim embeddings laid out for search, memory-mapped.

Reading a million 2 KB vectors out of the database for every `match` process would take longer
than the match. So the vectors of live claims (of the current model) are copied once into a
directory of ``.npy`` files in the user cache (``FACTDB_CACHE``), one directory per database,
and every later process maps them in milliseconds.

The file is kept in step with the database by a signature read at every open: the newest claim
id, the newest claim change (``updated_at``) and the newest embedding of the model (each one
index look-up, migration 0011). A claim added, edited, deleted or restored, or a vector
written, changes the signature, and the file is made again from the database (written to a
temporary directory and renamed into place). How many claims lack a current vector is counted
when the file is made and kept with it, so `match` can say plainly that the index is stale
without counting a million rows each time.

Small collections are searched exactly (every vector). Above ``EXACT_ROWS`` vectors the file
also holds an inverted-file layout: the vectors are grouped around ``sqrt(n)`` centroids
(spherical k-means, fixed seed, on the vectors in claim-id order, so SQLite and PostgreSQL get
the same groups), and a query scans the groups whose centroids are nearest until it has seen
``PROBE_ROWS`` vectors. The probed scan reads int8 codes of the vectors (a quarter of the bytes:
reading the float32 rows was most of a lone query's scan), and every row that could be among the
best by the codes' error bound is scored again from the float32 vectors: the cosines returned are
exact and the same rows come out as from scanning the float32 vectors. Only which far-away
vectors are skipped is approximate.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import shutil
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from factdb.config import cache_dir
from factdb.models import Claim, ClaimEmbedding

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

# 2: with the claim ids sorted and their rows (``sorted_ids``, ``id_rows``). When grouped,
# 3: the vectors also as int8 codes with a scale per row (``codes``, ``scales``).
FILE_FORMAT = 3
EXACT_ROWS = 100_000
PROBE_ROWS = 10_000
KMEANS_SAMPLE = 20_000
KMEANS_ROUNDS = 6
_CHUNK = 20_000


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def signature(*, session: Session, model: str) -> dict[str, Any]:
    """What changes whenever the vector file would: three index look-ups, one statement."""
    newest_id, newest_change, newest_vector = session.execute(
        select(
            select(func.max(Claim.id)).scalar_subquery(),
            select(func.max(Claim.updated_at)).scalar_subquery(),
            select(func.max(ClaimEmbedding.embedded_at))
            .where(ClaimEmbedding.model == model)
            .scalar_subquery(),
        )
    ).one()
    return {
        "format": FILE_FORMAT,
        "model": model,
        "newest_claim_id": newest_id,
        "newest_change": _iso(newest_change),
        "newest_vector": _iso(newest_vector),
    }


def vector_dir(session: Session) -> Path:
    """One directory per database (its file path, or its URL without the password)."""
    url = session.get_bind().engine.url
    if url.get_backend_name() == "sqlite":
        identity = f"sqlite:{Path(url.database or ':memory:').resolve()}"
    else:
        identity = url.render_as_string(hide_password=True)
    key = hashlib.sha256(identity.encode("utf-8")).hexdigest()[:24]
    return cache_dir() / "vectors" / key


@dataclass(frozen=True)
class VectorFile:
    """The arrays of a vector file (memory-mapped) and what it was made from."""

    claim_ids: npt.NDArray[np.int64]
    matrix: npt.NDArray[np.float32]
    centroids: npt.NDArray[np.float32] | None
    offsets: npt.NDArray[np.int64] | None
    sorted_ids: npt.NDArray[np.int64]
    id_rows: npt.NDArray[np.int64]
    codes: npt.NDArray[np.int8] | None
    scales: npt.NDArray[np.float32] | None
    manifest: dict[str, Any]


class _Invalid(Exception):
    pass


def _load(directory: Path, wanted: dict[str, Any]) -> VectorFile:
    import numpy as np

    try:
        manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise _Invalid from None
    if manifest.get("signature") != wanted:
        raise _Invalid
    arrays: dict[str, Any] = {}
    try:
        for name, (shape, dtype) in manifest["arrays"].items():
            value = np.load(directory / f"{name}.npy", mmap_mode="r", allow_pickle=False)
            if list(value.shape) != shape or value.dtype.str != dtype:
                raise _Invalid
            # A plain array over the same mapped pages: indexing a ``memmap`` runs Python code
            # on every access (a fifth of a batch query's time at a million claims).
            arrays[name] = np.asarray(value)
    except (OSError, ValueError, KeyError):
        raise _Invalid from None
    return VectorFile(
        claim_ids=arrays["claim_ids"],
        matrix=arrays["matrix"],
        centroids=arrays.get("centroids"),
        offsets=arrays.get("offsets"),
        sorted_ids=arrays["sorted_ids"],
        id_rows=arrays["id_rows"],
        codes=arrays.get("codes"),
        scales=arrays.get("scales"),
        manifest=manifest,
    )


def open_vector_file(*, session: Session, model: str, dimensions: int, counts: Any) -> VectorFile:
    """The current vector file of this database, made anew when the signature moved on.

    ``counts`` is called (only when the file is made) for the index state to keep with it."""
    wanted = signature(session=session, model=model)
    directory = vector_dir(session)
    try:
        return _load(directory, wanted)
    except _Invalid:
        pass
    _build(session, directory, wanted, model, dimensions, counts())
    return _load(directory, wanted)


def _build(
    session: Session,
    directory: Path,
    wanted: dict[str, Any],
    model: str,
    dimensions: int,
    state: dict[str, int],
) -> None:
    import numpy as np

    live = Claim.deleted_at.is_(None)
    joined = (
        select(func.count())
        .select_from(ClaimEmbedding)
        .join(Claim, Claim.id == ClaimEmbedding.claim_id)
        .where(ClaimEmbedding.model == model, live)
    )
    total = session.scalar(joined) or 0
    directory.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f".{directory.name}.", dir=directory.parent))
    try:
        ids = np.empty(total, dtype=np.int64)
        matrix = np.lib.format.open_memmap(
            scratch / "matrix.npy", mode="w+", dtype=np.float32, shape=(total, dimensions)
        )
        rows = session.execute(
            select(ClaimEmbedding.claim_id, ClaimEmbedding.vector)
            .join(Claim, Claim.id == ClaimEmbedding.claim_id)
            .where(ClaimEmbedding.model == model, live)
            .order_by(ClaimEmbedding.claim_id)
            .execution_options(yield_per=_CHUNK)
        )
        filled = 0
        for claim_id, vector in rows:
            if filled == total:
                break  # a vector written since the count: the next open sees it
            ids[filled] = claim_id
            matrix[filled] = np.frombuffer(bytes(vector), dtype=np.float32)
            filled += 1
        arrays: dict[str, Any] = {}
        if filled > EXACT_ROWS:
            order, centroids, offsets = _inverted_lists(np.asarray(matrix[:filled]))
            grouped = np.lib.format.open_memmap(
                scratch / "grouped.npy", mode="w+", dtype=np.float32, shape=(filled, dimensions)
            )
            codes = np.lib.format.open_memmap(
                scratch / "codes.npy", mode="w+", dtype=np.int8, shape=(filled, dimensions)
            )
            scales = np.empty(filled, dtype=np.float32)
            for start in range(0, filled, _CHUNK):
                block = matrix[order[start : start + _CHUNK]]
                grouped[start : start + _CHUNK] = block
                codes[start : start + _CHUNK], scales[start : start + _CHUNK] = quantise(block)
            grouped.flush()
            codes.flush()
            del matrix, grouped, codes
            (scratch / "grouped.npy").replace(scratch / "matrix.npy")
            ids = ids[:filled][order]
            arrays.update(centroids=centroids, offsets=offsets, scales=scales)
        else:
            matrix.flush()
            del matrix
            if filled < total:
                _truncate_rows(scratch / "matrix.npy", filled, dimensions)
            ids = ids[:filled]
        arrays["claim_ids"] = ids
        # The row of a claim id is found by binary search on these: sorting a million ids in
        # every `match` process took about a tenth of its time.
        arrays["id_rows"] = np.argsort(ids, kind="stable").astype(np.int64)
        arrays["sorted_ids"] = ids[arrays["id_rows"]]
        shapes = {"matrix": [[filled, dimensions], np.dtype(np.float32).str]}
        if "scales" in arrays:
            shapes["codes"] = [[filled, dimensions], np.dtype(np.int8).str]
        for name, value in arrays.items():
            np.save(scratch / f"{name}.npy", value, allow_pickle=False)
            shapes[name] = [list(value.shape), value.dtype.str]
        manifest = {"signature": wanted, "arrays": shapes, "state": state}
        (scratch / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
        replace_dir(scratch, directory)
    finally:
        if scratch.exists():
            shutil.rmtree(scratch, ignore_errors=True)


def quantise(
    block: npt.NDArray[np.float32],
) -> tuple[npt.NDArray[np.int8], npt.NDArray[np.float32]]:
    """Each row as int8 codes times one scale (its largest magnitude / 127): a quarter of the
    bytes to read for the probed scan, each value within half a scale step of the original."""
    import numpy as np

    scales = (np.abs(block).max(axis=1) / 127).astype(np.float32)
    scales[scales == 0] = 1
    codes = np.rint(block / scales[:, None]).astype(np.int8)
    return codes, scales


def _truncate_rows(path: Path, rows: int, dimensions: int) -> None:
    import numpy as np

    kept = np.array(np.load(path, mmap_mode="r")[:rows])
    np.save(path, kept.reshape(rows, dimensions), allow_pickle=False)


def _inverted_lists(
    matrix: npt.NDArray[np.float32],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float32], npt.NDArray[np.int64]]:
    """Spherical k-means (fixed seed) on a sample; every vector goes to its nearest centroid.

    Returns the row order that groups the vectors by centroid, the centroids, and the offsets
    of each group in that order (``offsets[g]:offsets[g + 1]``)."""
    import numpy as np

    count = len(matrix)
    groups = max(1, round(math.sqrt(count)))
    rng = np.random.default_rng(20261129)
    sample = matrix[np.sort(rng.choice(count, size=min(count, KMEANS_SAMPLE), replace=False))]
    centroids = sample[rng.choice(len(sample), size=groups, replace=False)].copy()
    for _ in range(KMEANS_ROUNDS):
        nearest = _assign(sample, centroids)
        sums = np.zeros_like(centroids)
        np.add.at(sums, nearest, sample)
        norms = np.linalg.norm(sums, axis=1, keepdims=True)
        filled = norms[:, 0] > 0
        centroids[filled] = sums[filled] / norms[filled]
    assigned = _assign(matrix, centroids)
    order = np.argsort(assigned, kind="stable").astype(np.int64)
    sizes = np.bincount(assigned, minlength=groups)
    offsets = np.zeros(groups + 1, dtype=np.int64)
    np.cumsum(sizes, out=offsets[1:])
    return order, centroids.astype(np.float32), offsets


def _assign(
    matrix: npt.NDArray[np.float32], centroids: npt.NDArray[np.float32]
) -> npt.NDArray[np.int64]:
    import numpy as np

    out = np.empty(len(matrix), dtype=np.int64)
    for start in range(0, len(matrix), _CHUNK):
        out[start : start + _CHUNK] = np.argmax(matrix[start : start + _CHUNK] @ centroids.T, 1)
    return out


def replace_dir(scratch: Path, target: Path) -> None:
    """Move ``scratch`` to ``target``; a process that still maps the old files keeps them."""
    if target.exists():
        retired = Path(tempfile.mkdtemp(prefix=f".{target.name}.old.", dir=target.parent))
        with contextlib.suppress(FileNotFoundError):  # another process retired it first
            target.rename(retired / "old")
        shutil.rmtree(retired, ignore_errors=True)
    try:
        scratch.rename(target)
    except OSError:
        if not target.exists():
            raise
        # Another process put an equally current file in place meanwhile: keep theirs.
