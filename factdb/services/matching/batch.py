"""A stream of queries answered in order: in this process, or by worker processes as well.

At a million claims most of a batch query's time is the full-text engine ranking a few thousand
rows (SQLite's bm25), work that threads did not share: two threads searching at once, each on
its own connection, ran only 1.2 times as fast as one, two processes 2.0 times
(2026-11-29, 2-core machine). So a long run of queries is shared out to worker processes, each
with its own database connection and its own matcher (the model and the vector file are
memory-mapped, so the processes share their pages), whole blocks at a time; the answers come
back in the order of the queries. The first block is answered here while the workers start,
so a short run costs no more than before.
"""

from __future__ import annotations

import signal
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from factdb.config import usable_cores
from factdb.errors import DatabaseError
from factdb.services.matching.matcher import Matcher, match_details, open_matcher

if TYPE_CHECKING:
    # Loaded only when workers start: a single `match` does not pay for multiprocessing.
    from multiprocessing.pool import AsyncResult, Pool

MAX_WORKERS = 4
# Blocks handed out ahead of the one to print next, per worker: each has its next block ready.
BLOCKS_AHEAD = 2


@dataclass(frozen=True)
class MatchAnswer:
    """A matching claim with what a person needs to judge it."""

    claim_id: int
    score: float
    text: str
    status: str
    claimant: str | None
    rating_label: str | None
    review_url: str | None


def answer_queries(
    *, matcher: Matcher, texts: Sequence[str], limit: int, min_score: float
) -> list[list[MatchAnswer]]:
    """Each text's matches, with each claim's status, claimant and newest fact-check."""
    found = matcher.match_many(texts, limit=limit, min_score=min_score)
    details = match_details(
        session=matcher.session, claim_ids=[hit.claim_id for hits in found for hit in hits]
    )
    return [
        [
            MatchAnswer(
                claim_id=hit.claim_id,
                score=hit.score,
                text=hit.text,
                status=details[hit.claim_id].status,
                claimant=details[hit.claim_id].claimant,
                rating_label=details[hit.claim_id].rating_label,
                review_url=details[hit.claim_id].review_url,
            )
            for hit in hits
        ]
        for hits in found
    ]


def available_cores() -> int:
    """The cores this process may run on, at most ``MAX_WORKERS``."""
    return min(usable_cores(), MAX_WORKERS)


def answer_blocks(
    *,
    matcher: Matcher,
    database_url: str,
    blocks: Iterable[Sequence[str]],
    limit: int,
    min_score: float,
    workers: int = 1,
) -> Iterator[list[list[MatchAnswer]]]:
    """The answers to each block of queries, in order, as they are ready.

    With ``workers`` above 1 and more than one block, the blocks after the first go to that
    many worker processes (over ``database_url``), which each open their own matcher. The
    blocks are read one ahead of the answers, so give one process streams that must be
    answered line by line as they arrive."""
    pending_blocks = iter(blocks)
    first = next(pending_blocks, None)
    if first is None:
        return
    second = next(pending_blocks, None) if workers > 1 else None
    if second is None:
        yield answer_queries(matcher=matcher, texts=first, limit=limit, min_score=min_score)
        for block in pending_blocks:
            yield answer_queries(matcher=matcher, texts=block, limit=limit, min_score=min_score)
        return
    with _worker_pool(database_url, workers, limit, min_score) as pool:
        pending: deque[AsyncResult[list[list[MatchAnswer]]]] = deque()
        # The workers start on the second block while this process answers the first.
        pending.append(pool.apply_async(_answer_in_worker, (list(second),)))
        yield answer_queries(matcher=matcher, texts=first, limit=limit, min_score=min_score)
        for block in pending_blocks:
            pending.append(pool.apply_async(_answer_in_worker, (list(block),)))
            while pending and (pending[0].ready() or len(pending) >= workers * BLOCKS_AHEAD):
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()


class _worker_pool:
    """Worker processes started fresh (spawned, not forked: a copy of this process's database
    connections and BLAS threads would not be safe to use), all at once; on the way out they
    finish, or on an error or an interrupt they are stopped at once (they only read)."""

    def __init__(self, database_url: str, workers: int, limit: int, min_score: float) -> None:
        from multiprocessing import get_context

        # Ctrl-C reaches every process of the terminal's group. The workers leave it to this
        # one, which stops them: an ignored signal stays ignored across a process's start,
        # and a worker still importing would otherwise die of it with a traceback.
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            self.pool = get_context("spawn").Pool(
                workers, initializer=_start_worker, initargs=(database_url, limit, min_score)
            )
        finally:
            signal.signal(signal.SIGINT, previous)

    def __enter__(self) -> Pool:
        return self.pool

    def __exit__(self, error_type: type[BaseException] | None, *_: object) -> None:
        if error_type is None:
            self.pool.close()
        else:
            self.pool.terminate()
        self.pool.join()


# The worker process's matcher and options, set once by ``_start_worker``.
_WORKER: dict[str, Any] = {}


def _start_worker(database_url: str, limit: int, min_score: float) -> None:
    from factdb.db import create_db_engine, session_factory

    # Started with Ctrl-C ignored (see ``_worker_pool``); kept so, whatever the platform
    # passed on.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _WORKER.update(limit=limit, min_score=min_score)
    try:
        session = session_factory(create_db_engine(database_url))()
        session.begin()
        _WORKER["matcher"] = open_matcher(session=session)
    except Exception as error:
        # An initializer's exception would only break the pool (and print a traceback); the
        # reason goes back with the answer to the first block instead.
        _WORKER["failure"] = f"a worker process could not open the database: {error}"


def _answer_in_worker(texts: list[str]) -> list[list[MatchAnswer]]:
    if "failure" in _WORKER:
        raise DatabaseError(_WORKER["failure"])
    matcher: Matcher = _WORKER["matcher"]
    return answer_queries(
        matcher=matcher, texts=texts, limit=_WORKER["limit"], min_score=_WORKER["min_score"]
    )
