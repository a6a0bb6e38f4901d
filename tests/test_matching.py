"""Hybrid matching, the vector index, batch mode and the safe dedupe, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from factdb.db import create_db_engine, transaction
from factdb.domain import OnError
from factdb.errors import ConflictError
from factdb.formats.readers.match_queries import read_queries
from factdb.formats.readers.records import RawRecord
from factdb.models import Claim, ClaimEmbedding
from factdb.services.ingest.importing import ImportOptions, import_records
from factdb.services.matching.dedupe import (
    DuplicateCluster,
    DuplicateHit,
    claim_facts,
    differences,
    duplicate_clusters,
)
from factdb.services.matching.duplicates import merge_cluster
from factdb.services.matching.matcher import open_matcher
from factdb.services.matching.rerank import FEATURES, Candidate, Query, features, load_reranker
from factdb.services.vectors.embeddings import index_state, model_id
from tests.helpers.cli import CliRun
from tests.helpers.databases import PostgresServer
from tests.helpers.paths import REPO_ROOT

FEVER = REPO_ROOT.parent / "shared" / "data" / "fever" / "fever_dev_5000_5399.json"

CLAIMS = [
    ("Tilda Swinton is a vegan", "Is Tilda Swinton Vegan?"),
    ("The Eiffel Tower was built in 1889 for the World's Fair", "When Was the Eiffel Tower Built?"),
    ("Drinking hot water cures the coronavirus", "Does Hot Water Kill the Coronavirus?"),
    ("The Great Wall of China is visible from space", "Can You See the Great Wall From Space?"),
    ("Bananas are radioactive", "Are Bananas Radioactive?"),
]


def _records(
    claims: Sequence[tuple[str, str | None]], claimant: str | None = None
) -> Iterator[RawRecord]:
    for number, (text, title) in enumerate(claims, start=1):
        data: dict[str, object] = {"text": text}
        if title is not None:
            data["reviews"] = [
                {
                    "status": "false",
                    "title": title,
                    "reviewer": "Checker",
                    "url": f"https://factcheck.example/{number}",
                }
            ]
        if claimant is not None:
            data["claimant"] = {"name": claimant}
        yield RawRecord(location=f"test {number}", data=data)


def add_claims(
    url: str,
    claims: Sequence[tuple[str, str | None]],
    *,
    claimant: str | None = None,
    index: bool = True,
) -> None:
    """Claims added through the import service (reviews carry the titles)."""
    engine = create_db_engine(url)
    try:
        with transaction(engine) as session:
            import_records(
                session=session,
                records=_records(claims, claimant),
                options=ImportOptions(actor="test", on_error=OnError.ABORT, index_embeddings=index),
            )
    finally:
        engine.dispose()


def ids_by_text(url: str) -> dict[str, int]:
    engine = create_db_engine(url)
    try:
        with Session(engine) as session:
            return {
                text: claim_id for claim_id, text in session.execute(select(Claim.id, Claim.text))
            }
    finally:
        engine.dispose()


# -- the index ---------------------------------------------------------------------------------


def test_import_embeds_claims_with_the_model_name(db_url: str) -> None:
    add_claims(db_url, CLAIMS)
    engine = create_db_engine(db_url)
    with Session(engine) as session:
        rows = session.execute(
            select(ClaimEmbedding.model, func.length(ClaimEmbedding.vector))
        ).all()
        assert len(rows) == len(CLAIMS)
        assert {model for model, _ in rows} == {model_id()}
        assert {size for _, size in rows} == {512 * 4}
        assert index_state(session=session).complete
    engine.dispose()


def test_match_finds_a_paraphrase_and_other_languages(db_url: str, cli: CliRun) -> None:
    add_claims(db_url, CLAIMS)
    ids = ids_by_text(db_url)
    queries = {
        "Tilda Swinton não come produtos de origem animal": CLAIMS[0][0],
        "La tour Eiffel a été construite en 1889": CLAIMS[1][0],
        "El agua caliente cura el coronavirus": CLAIMS[2][0],
        "Die Chinesische Mauer ist vom Weltraum aus sichtbar": CLAIMS[3][0],
        "Tilda Swinton doesn't eat animal products": CLAIMS[0][0],
    }
    for query, expected in queries.items():
        result = cli("match", query, "--format", "json")
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout)[0]["id"] == ids[expected], query


def test_same_answers_on_sqlite_and_postgresql(
    tmp_path: Path, postgres_server: PostgresServer
) -> None:
    sqlite_url = f"sqlite:///{tmp_path / 'same.sqlite3'}"
    postgres_url = postgres_server.create_database(migrated=True)
    try:
        from factdb.services.admin.schema import upgrade

        engine = create_db_engine(sqlite_url)
        upgrade(engine=engine)
        engine.dispose()
        answers = []
        for url in (sqlite_url, postgres_url):
            add_claims(url, CLAIMS)
            engine = create_db_engine(url)
            with Session(engine) as session:
                matcher = open_matcher(session=session)
                assert matcher.index is not None
                from factdb.services.vectors.embeddings import encode

                nearest = matcher.index.nearest(encode(["Bananen sind radioaktiv"]), 5)[0]
                answers.append([(claim_id, round(score, 5)) for claim_id, score in nearest])
            engine.dispose()
        assert answers[0] == answers[1]
    finally:
        postgres_server.drop_database(postgres_url)


def test_match_without_index_says_so_and_matches_words(db_url: str, cli: CliRun) -> None:
    add_claims(db_url, CLAIMS, index=False)
    result = cli("match", "Bananas radioactive", "--format", "json")
    assert result.exit_code == 0, result.output
    assert "no claim has a vector" in result.stderr
    assert "factdb index" in result.stderr
    assert json.loads(result.stdout)[0]["text"] == "Bananas are radioactive"


def test_index_builds_what_is_missing_then_nothing(db_url: str, cli: CliRun) -> None:
    add_claims(db_url, CLAIMS, index=False)
    first = cli("index")
    assert first.exit_code == 0, first.output
    assert f"{len(CLAIMS)} claims embedded" in first.stderr
    second = cli("index")
    assert "0 claims embedded" in second.stderr
    result = cli("match", "Bananen sind radioaktiv", "--format", "json")
    assert result.stderr == ""
    assert json.loads(result.stdout)[0]["text"] == "Bananas are radioactive"


def test_an_edit_is_reembedded(db_url: str, cli: CliRun) -> None:
    add_claims(db_url, CLAIMS)
    ids = ids_by_text(db_url)
    claim_id = ids["Bananas are radioactive"]
    edited = cli("edit", str(claim_id), "--text", "Apples are poisonous", "--reason", "typo")
    assert edited.exit_code == 0, edited.output
    result = cli("match", "Äpfel sind giftig", "--format", "json")
    assert result.stderr == ""
    assert json.loads(result.stdout)[0]["id"] == claim_id


def _nearest(url: str, query: str, k: int = 5) -> list[tuple[int, float]]:
    from factdb.services.vectors.embeddings import encode

    engine = create_db_engine(url)
    try:
        with Session(engine) as session:
            matcher = open_matcher(session=session)
            assert matcher.index is not None
            return [
                (claim_id, round(score, 5))
                for claim_id, score in matcher.index.nearest(encode([query]), k)[0]
            ]
    finally:
        engine.dispose()


MORE_CLAIMS: list[tuple[str, str | None]] = [
    (f"{subject} {verb} {thing} in {year}", None)
    for subject, verb, thing, year in zip(
        ["The mayor", "A senator", "The school board", "Police", "The governor", "A bank"] * 4,
        ["banned", "approved", "closed", "funded", "sold", "opened"] * 4,
        ["the bridge", "a hospital", "the library", "new roads", "the park", "a factory"] * 4,
        range(1990, 2014),
        strict=True,
    )
]


def test_vector_file_follows_the_database(db_url: str) -> None:
    from factdb.services.vectors.vector_file import vector_dir

    add_claims(db_url, CLAIMS)
    first = _nearest(db_url, "Bananen sind radioaktiv")
    engine = create_db_engine(db_url)
    with Session(engine) as session:
        directory = vector_dir(session)
    engine.dispose()
    manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["state"] == {"claims": len(CLAIMS), "indexed": len(CLAIMS)}
    stamp = (directory / "manifest.json").stat().st_mtime_ns
    assert _nearest(db_url, "Bananen sind radioaktiv") == first
    assert (directory / "manifest.json").stat().st_mtime_ns == stamp  # mapped again, not made
    # A new claim moves the signature on: the file is made again and holds it.
    add_claims(db_url, [("Apples are poisonous", "Are Apples Poisonous?")])
    ids = ids_by_text(db_url)
    assert _nearest(db_url, "Äpfel sind giftig", 1)[0][0] == ids["Apples are poisonous"]
    manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["state"]["claims"] == len(CLAIMS) + 1
    # A damaged file is made again from the database.
    (directory / "matrix.npy").write_bytes(b"broken")
    assert _nearest(db_url, "Äpfel sind giftig", 1)[0][0] == ids["Apples are poisonous"]


def test_stale_count_is_kept_with_the_vector_file(db_url: str, cli: CliRun) -> None:
    add_claims(db_url, CLAIMS)
    add_claims(db_url, [("Apples are poisonous", None)], index=False)
    result = cli("match", "Apples poisonous", "--format", "json")
    assert result.exit_code == 0, result.output
    assert f"1 of {len(CLAIMS) + 1} claims are new or changed" in result.stderr
    assert "Apples are poisonous" in [hit["text"] for hit in json.loads(result.stdout)]
    assert cli("index").exit_code == 0
    again = cli("match", "Apples poisonous", "--format", "json")
    assert again.stderr == ""


def test_grouped_vectors_give_the_exact_answers(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    from factdb.services.vectors import vector_file

    add_claims(db_url, [*CLAIMS, *MORE_CLAIMS])
    queries = ["Bananen sind radioaktiv", "The mayor closed the library", "A bank sold a park"]
    exact = [_nearest(db_url, query, 8) for query in queries]
    engine = create_db_engine(db_url)
    with Session(engine) as session:
        directory = vector_file.vector_dir(session)
    # Grouped around centroids (the layout above EXACT_ROWS), probing every group: same answers.
    monkeypatch.setattr(vector_file, "EXACT_ROWS", 4)
    monkeypatch.setattr(vector_file, "PROBE_ROWS", 10_000)
    shutil.rmtree(directory)
    assert [_nearest(db_url, query, 8) for query in queries] == exact
    with Session(engine) as session:
        matcher = open_matcher(session=session)
        assert matcher.index is not None
        assert matcher.index.centroids is not None
        assert len(matcher.index.centroids) == round((len(CLAIMS) + len(MORE_CLAIMS)) ** 0.5)
    engine.dispose()
    # Probing few vectors still answers, from the nearest groups.
    monkeypatch.setattr(vector_file, "PROBE_ROWS", 1)
    few = _nearest(db_url, "The mayor closed the library", 3)
    assert few
    assert few[0] == exact[1][0]


def test_vector_file_keeps_claim_ids_sorted_and_is_made_again_when_old_or_damaged(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    import numpy as np

    from factdb.services.vectors import vector_file

    add_claims(db_url, [*CLAIMS, *MORE_CLAIMS])
    monkeypatch.setattr(vector_file, "EXACT_ROWS", 4)  # grouped: rows not in claim-id order
    engine = create_db_engine(db_url)

    def opened() -> tuple[dict[int, int], dict[int, int]]:
        with Session(engine) as session:
            matcher = open_matcher(session=session)
        index = matcher.index
        assert index is not None
        # Mapped from the file as plain arrays: indexing a memmap runs Python code each time.
        assert type(index.matrix) is np.ndarray
        assert isinstance(index.matrix.base, np.memmap)
        ids = index.claim_ids.tolist()
        by_scan = {claim_id: row for row, claim_id in enumerate(ids)}
        return index.rows_of([*ids, 0, max(ids) + 1]), by_scan

    try:
        with Session(engine) as session:
            directory = vector_file.vector_dir(session)
        shutil.rmtree(directory, ignore_errors=True)
        found, by_scan = opened()
        assert found == by_scan  # every claim's own row; unknown ids left out
        sorted_ids = np.load(directory / "sorted_ids.npy")
        assert sorted_ids.tolist() == sorted(by_scan)
        # A file of the previous format (no sorted ids) is made again, not misread.
        manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
        manifest["signature"]["format"] = 1
        del manifest["arrays"]["sorted_ids"]
        (directory / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
        (directory / "sorted_ids.npy").unlink()
        assert opened()[0] == by_scan
        assert (directory / "sorted_ids.npy").exists()
        # A damaged array is made again too.
        (directory / "id_rows.npy").write_bytes(b"broken")
        assert opened()[0] == by_scan
        (directory / "codes.npy").write_bytes(b"broken")
        assert opened()[0] == by_scan
        assert np.load(directory / "codes.npy").dtype == np.int8
    finally:
        engine.dispose()


@pytest.mark.parametrize("spread", [0.03, 0.001])
def test_int8_scan_with_exact_rescoring_finds_what_the_float32_scan_finds(spread: float) -> None:
    """The probed scan reads int8 codes and scores exactly only a shortlist (and whatever the
    codes' error bound cannot rule out): the same rows and cosines as scanning every float32
    vector of the probed groups, also when thousands of vectors are nearly equal (0.001)."""
    import numpy as np

    from factdb.services.vectors.embeddings import VectorIndex
    from factdb.services.vectors.vector_file import _inverted_lists, quantise

    rng = np.random.default_rng(7)
    bases = rng.normal(size=(40, 512))
    vectors = bases[rng.integers(0, 40, size=4000)] + rng.normal(0, spread, size=(4000, 512))
    vectors = (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)
    order, centroids, offsets = _inverted_lists(vectors)
    grouped = np.ascontiguousarray(vectors[order])
    ids = (order * 3 + 1).astype(np.int64)  # claim ids in another order than the rows
    codes, scales = quantise(grouped)
    assert codes.dtype == np.int8
    assert np.abs(codes.astype(np.float32) * scales[:, None] - grouped).max() <= scales.max() / 2
    plain = VectorIndex(claim_ids=ids, matrix=grouped, centroids=centroids, offsets=offsets)
    coded = VectorIndex(
        claim_ids=ids,
        matrix=grouped,
        centroids=centroids,
        offsets=offsets,
        codes=codes,
        scales=scales,
    )
    exact = VectorIndex(claim_ids=ids, matrix=grouped)
    queries = np.ascontiguousarray(vectors[rng.integers(0, 4000, size=12)] + 0.01, np.float32)
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)

    def same(found: list[list[tuple[int, float]]], longer: list[list[tuple[int, float]]]) -> None:
        # ``longer``: the reference's answers with one more row, the next one at the boundary.
        # The same cosines place by place (but for float32 summation order), and the same claim
        # at every place that is not a tie to 1e-5 with a neighbour.
        for hits, reference in zip(found, longer, strict=True):
            scores = [score for _, score in reference]
            assert np.allclose([score for _, score in hits], scores[: len(hits)], atol=1e-6)
            for place, (claim_id, _) in enumerate(hits):
                neighbours = [scores[i] for i in (place - 1, place + 1) if 0 <= i < len(scores)]
                if all(abs(other - scores[place]) > 1e-5 for other in neighbours):
                    assert claim_id == reference[place][0]

    for k in (1, 10, 100):
        same(coded.nearest(queries, k), plain.nearest(queries, k + 1))
    from factdb.services.vectors import vector_file

    # Probing every group, the int8 scan gives the exact search's answers.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(vector_file, "PROBE_ROWS", len(ids))
        same(coded.nearest(queries, 10), exact.nearest(queries, 11))


# -- batch mode --------------------------------------------------------------------------------


def test_batch_mode_jsonl(db_url: str, cli: CliRun, tmp_path: Path) -> None:
    add_claims(db_url, CLAIMS)
    ids = ids_by_text(db_url)
    queries = tmp_path / "queries.txt"
    queries.write_text(
        "Bananas are radioactive\n\n"
        '{"id": "post-7", "text": "A Grande Muralha da China é visível do espaço"}\n'
        '{"id": 12, "text": "Tilda Swinton ist Veganerin"}\n',
        encoding="utf-8",
    )
    result = cli("match", "--queries", str(queries), "--format", "jsonl", "--limit", "2")
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["query_id"] for line in lines] == [1, "post-7", 12]
    assert lines[1]["query"] == "A Grande Muralha da China é visível do espaço"
    top = lines[1]["matches"][0]
    assert set(top) == {"id", "score", "text", "status", "claimant", "rating_label", "review_url"}
    assert top["id"] == ids[CLAIMS[3][0]]
    assert top["status"] == "false"
    assert top["review_url"] == "https://factcheck.example/4"
    assert all(len(line["matches"]) <= 2 for line in lines)


def test_batch_mode_reads_standard_input(db_url: str, cli: CliRun) -> None:
    add_claims(db_url, CLAIMS)
    result = cli("match", "--queries", "-", "--format", "jsonl", input="Bananas are radioactive\n")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["matches"][0]["text"] == "Bananas are radioactive"


def test_batch_mode_on_worker_processes_answers_as_one_process(
    db_url: str, cli: CliRun, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_claims(db_url, CLAIMS)
    # Blocks of two queries: the first is answered by the command's own process, the others by
    # two workers with their own connections, and the answers come back in the queries' order.
    monkeypatch.setattr("factdb.cli.commands.discovery.MATCH_BLOCK", 2)
    texts = [
        "Bananas are radioactive",
        "A Grande Muralha da China é visível do espaço",
        "Tilda Swinton ist Veganerin",
        "The mayor closed the library",
        "Vaccines cause autism",
        "The moon landing was filmed in a studio",
        "Bananen sind radioaktiv",
    ]
    queries = tmp_path / "queries.jsonl"
    queries.write_text(
        "".join(json.dumps({"id": f"q{n}", "text": text}) + "\n" for n, text in enumerate(texts)),
        encoding="utf-8",
    )

    from factdb.services.matching import batch as match_batch

    pools: list[int] = []
    real_pool = match_batch._worker_pool

    def counted_pool(url: str, workers: int, limit: int, min_score: float) -> object:
        pools.append(workers)
        return real_pool(url, workers, limit, min_score)

    monkeypatch.setattr(match_batch, "_worker_pool", counted_pool)
    alone = cli("match", "--queries", str(queries), "--format", "jsonl", "--workers", "1")
    assert pools == []
    shared = cli("match", "--queries", str(queries), "--format", "jsonl", "--workers", "2")
    assert alone.exit_code == 0, alone.output
    assert shared.exit_code == 0, shared.output
    assert pools == [2]
    assert shared.stdout == alone.stdout
    lines = [json.loads(line) for line in shared.stdout.splitlines()]
    assert [line["query_id"] for line in lines] == [f"q{n}" for n in range(len(texts))]
    assert lines[6]["matches"][0]["text"] == "Bananas are radioactive"


def test_a_worker_that_cannot_open_the_database_says_so(db_url: str, tmp_path: Path) -> None:
    from factdb.errors import DatabaseError
    from factdb.services.matching.batch import answer_blocks

    add_claims(db_url, CLAIMS)
    broken = tmp_path / "not-a-database.sqlite3"
    broken.write_text("these are not the pages of a database\n" * 100, encoding="utf-8")
    engine = create_db_engine(db_url)
    with transaction(engine, write=False) as session:
        answers = answer_blocks(
            matcher=open_matcher(session=session),
            database_url=f"sqlite:///{broken}",
            blocks=[["Bananas are radioactive"], ["Vaccines cause autism"]],
            limit=2,
            min_score=0.0,
            workers=2,
        )
        first = next(answers)  # this process answers the first block itself
        assert first[0][0].text == "Bananas are radioactive"
        with pytest.raises(DatabaseError, match="a worker process could not open the database"):
            next(answers)
    engine.dispose()


def test_ctrl_c_stops_a_batch_and_its_workers_without_a_traceback(
    db_url: str, tmp_path: Path
) -> None:
    import signal
    import subprocess
    import sys
    import time

    add_claims(db_url, CLAIMS)
    queries = tmp_path / "queries.txt"
    queries.write_text("Bananas are radioactive\nVaccines cause autism\n" * 3000, encoding="utf-8")
    output = tmp_path / "answers.jsonl"
    argv = [sys.executable, "-m", "factdb", "--db", db_url, "match"]
    argv += ["--queries", str(queries), "--format", "jsonl", "--workers", "2"]
    with output.open("w", encoding="utf-8") as answers:
        # Its own process group, as a terminal's foreground job: Ctrl-C reaches every process.
        # And Ctrl-C's default action, as a terminal gives it, even when this test runs in the
        # background of a shell (which starts it with Ctrl-C ignored, inherited by children).
        command = subprocess.Popen(
            argv,
            stdout=answers,
            stderr=subprocess.PIPE,
            start_new_session=True,
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
        deadline = time.monotonic() + 60
        while output.stat().st_size == 0 and command.poll() is None:
            assert time.monotonic() < deadline, "no answer within a minute"
            time.sleep(0.05)
        os.killpg(command.pid, signal.SIGINT)  # the first block is out, the workers are busy
        _, error = command.communicate(timeout=60)
    assert command.returncode != 0
    assert "Traceback" not in error.decode()
    assert "KeyboardInterrupt" not in error.decode()
    assert 0 < len(output.read_text(encoding="utf-8").splitlines()) < 6000
    deadline = time.monotonic() + 10
    while True:  # the workers went with it
        try:
            os.killpg(command.pid, 0)
        except ProcessLookupError:
            break
        assert time.monotonic() < deadline, "a worker outlived the command"
        time.sleep(0.05)


def test_batch_mode_uses_the_cores_for_a_file_and_one_process_for_a_stream(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from factdb.cli.commands.discovery import _default_workers
    from factdb.services.matching.batch import MAX_WORKERS, available_cores

    queries = tmp_path / "queries.txt"
    queries.write_text("Bananas are radioactive\n", encoding="utf-8")
    assert 1 <= available_cores() <= MAX_WORKERS
    assert _default_workers(str(queries)) == available_cores()
    with queries.open(encoding="utf-8") as redirected:
        monkeypatch.setattr("sys.stdin", redirected)  # `--queries - < file`: a file too
        assert _default_workers("-") == available_cores()
    read, write = os.pipe()
    with os.fdopen(read, encoding="utf-8") as pipe, os.fdopen(write, "w"):
        monkeypatch.setattr("sys.stdin", pipe)  # `tail -f posts | factdb match --queries -`
        assert _default_workers("-") == 1
    assert _default_workers(str(tmp_path / "missing.txt")) == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"id": 1, "text": \n', "not valid JSON"),
        ('{"id": 1}\n', 'needs a non-empty "text"'),
        ('{"id": [1], "text": "x"}\n', '"id" must be a string or a number'),
    ],
)
def test_batch_mode_bad_lines(cli: CliRun, tmp_path: Path, content: str, message: str) -> None:
    queries = tmp_path / "bad.jsonl"
    queries.write_text(content, encoding="utf-8")
    result = cli("match", "--queries", str(queries), "--format", "jsonl")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: ")
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_match_needs_text_or_queries(cli: CliRun, tmp_path: Path) -> None:
    assert cli("match").exit_code == 2
    both = cli("match", "x", "--queries", str(tmp_path / "q.txt"))
    assert both.exit_code == 2
    missing = cli("match", "--queries", str(tmp_path / "missing.txt"))
    assert missing.exit_code == 2
    assert missing.stderr.startswith("Error: cannot read")


@given(
    st.lists(st.text(min_size=1).filter(lambda t: t.strip() and "\n" not in t and "\r" not in t))
)
def test_read_queries_keeps_every_json_text(texts: list[str]) -> None:
    lines = [json.dumps({"id": n, "text": text}) for n, text in enumerate(texts)]
    read = list(read_queries(lines))
    assert [query.text for query in read] == [text.strip() for text in texts]
    assert [query.query_id for query in read] == list(range(len(texts)))


# -- dedupe ------------------------------------------------------------------------------------

NEAR_TWINS = ("The Eiffel Tower was built in 1889.", "The Eiffel Tower was built in 1889")


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Jack Nicholson was born on July 15, 1873.", "Jack Nicholson was born on July 15, 1973."),
        ("The film was adapted into a novel.", "The film wasn't adapted into a novel."),
        ("The film was adapted into a novel.", "The film was not adapted into a novel."),
        ("Crime fell by 12 percent in Ohio.", "Crime fell by 21 percent in Ohio."),
        ("The senator voted for the bill in March.", "The senator voted for the bill in May."),
        ("Barack Obama was born in Hawaii.", "Barack Obama was born in Kenya."),
    ],
)
def test_dedupe_keeps_apart_claims_that_differ(
    db_url: str, cli: CliRun, first: str, second: str
) -> None:
    add_claims(
        db_url, [(first, None), (second, None), (NEAR_TWINS[0], None), (NEAR_TWINS[1], None)]
    )
    result = cli("dedupe", "--min-score", "50", "--format", "json")
    assert result.exit_code == 0, result.output
    clusters = json.loads(result.stdout)
    ids = ids_by_text(db_url)
    together = [
        {cluster["keep"], *(hit["id"] for hit in cluster["duplicates"])} for cluster in clusters
    ]
    assert {ids[NEAR_TWINS[0]], ids[NEAR_TWINS[1]]} in together  # the rule is not all-blocking
    assert not any({ids[first], ids[second]} <= group for group in together)


def test_dedupe_keeps_claimants_apart_unless_asked(db_url: str, cli: CliRun) -> None:
    add_claims(db_url, [(NEAR_TWINS[0], None)], claimant="Charlie Crist")
    add_claims(db_url, [(NEAR_TWINS[1], None)], claimant="Mitt Romney")
    assert json.loads(cli("dedupe", "--format", "json").stdout) == []
    crossing = json.loads(cli("dedupe", "--any-claimant", "--format", "json").stdout)
    assert len(crossing) == 1
    refused = cli("dedupe", "--any-claimant", "--merge")
    assert refused.exit_code == 2
    assert "never crosses claimants" in refused.stderr


def test_merge_never_crosses_claimants(db_url: str, engine: object) -> None:
    add_claims(db_url, [(NEAR_TWINS[0], None)], claimant="Charlie Crist")
    add_claims(db_url, [(NEAR_TWINS[1], None)], claimant="Mitt Romney")
    ids = ids_by_text(db_url)
    cluster = DuplicateCluster(
        keep=DuplicateHit(ids[NEAR_TWINS[0]], 100.0, NEAR_TWINS[0]),
        duplicates=[DuplicateHit(ids[NEAR_TWINS[1]], 99.0, NEAR_TWINS[1])],
    )
    db = create_db_engine(db_url)
    with pytest.raises(ConflictError, match="never crosses claimants"), transaction(db) as session:
        merge_cluster(session=session, cluster=cluster, actor="test")
    with Session(db) as session:
        assert session.scalar(select(func.count()).where(Claim.deleted_at.is_not(None))) == 0
    db.dispose()


def test_merge_folds_a_safe_cluster(db_url: str, cli: CliRun) -> None:
    add_claims(db_url, [(NEAR_TWINS[0], None), (NEAR_TWINS[1], None)], claimant="Ann Lee")
    result = cli("dedupe", "--merge", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)[0]["merged"] is True
    listed = cli("list", "--format", "json")
    assert [claim["text"] for claim in json.loads(listed.stdout)] == [NEAR_TWINS[0]]


def test_claim_facts_rules() -> None:
    def apart(first: str, second: str) -> list[str]:
        return differences(claim_facts(first, None), claim_facts(second, None), any_claimant=False)

    assert apart("It cost 1,000 dollars", "It cost 1000 dollars") == []
    assert apart("It cost 1.5 million", "It cost 15 million") == ["number or date"]
    assert apart("He isn't here", "He is here") == ["negation"]
    assert apart("Obama said it", "Trump said it") == ["named entity"]
    assert apart("Taxes rose, Obama said", "Taxes rose, Obama said") == []
    assert differences(claim_facts("x", 1), claim_facts("x", 2), any_claimant=True) == []
    assert differences(claim_facts("x", 1), claim_facts("x", None), any_claimant=False) == [
        "claimant"
    ]


_NEGATION = re.compile(r"\b(?:not|no|never|none|nothing|nobody|neither|nor|without)\b|n't\b", re.I)


@pytest.mark.skipif(not FEVER.exists(), reason="the shared FEVER data is beside the repository")
def test_fever_clusters_never_differ_in_number_date_or_negation(db_url: str) -> None:
    claims = [item["claim"] for item in json.loads(FEVER.read_text(encoding="utf-8"))]
    add_claims(db_url, [(text, None) for text in dict.fromkeys(claims)])
    engine = create_db_engine(db_url)
    with Session(engine) as session:
        clusters = duplicate_clusters(session=session, min_score=80.0)
    engine.dispose()
    for cluster in clusters:
        texts = [cluster.keep.text, *(hit.text for hit in cluster.duplicates)]
        # Checked independently of the rules' own code: digits and English negations.
        assert len({tuple(sorted(re.findall(r"\d+", text))) for text in texts}) == 1, texts
        assert len({len(_NEGATION.findall(text)) for text in texts}) == 1, texts


# -- the learned rerank -------------------------------------------------------------------------


def test_shipped_reranker_loads_and_puts_an_obvious_match_first() -> None:
    reranker = load_reranker()
    assert reranker is not None
    assert len(reranker.coefficients) == len(FEATURES) == len(reranker.mean)
    query = Query("Tilda Swinton has been a vegan since 2010", {"tilda": 8.0, "swinton": 8.0})
    right = Candidate(1, "Tilda Swinton is a vegan since 2010", ["Is Tilda Swinton Vegan?"], 0.9)
    wrong = Candidate(2, "Bananas are radioactive", ["Are Bananas Radioactive?"], 0.1)
    rankings = {name: [1, 2] for name in ("semantic", "claim_words", "title_words", "words")}
    rows = features(query, [right, wrong], rankings, {1: 100.0, 2: 30.0}, best_cosine=0.9)
    chances = reranker.probabilities(rows)
    assert chances[0] > 0.5
    assert chances[1] < 0.01
    # Even when the word rankings put the wrong claim first, what the texts share keeps the
    # right one above it.
    rankings = {name: [2, 1] for name in ("claim_words", "title_words", "words")}
    rankings["semantic"] = [1, 2]
    rows = features(query, [right, wrong], rankings, {1: 50.0, 2: 60.0}, best_cosine=0.9)
    chances = reranker.probabilities(rows)
    assert chances[0] > chances[1]


def test_rerank_scores_are_chances_and_agree_on_both_databases(db_url: str) -> None:
    add_claims(db_url, CLAIMS)
    ids = ids_by_text(db_url)
    engine = create_db_engine(db_url)
    try:
        with Session(engine) as session:
            matcher = open_matcher(session=session)
            assert matcher.reranker is not None
            assert matcher.semantic
            hits = matcher.match("Is it true that the Eiffel Tower was built in 1889?")
            plain = replace(matcher, reranker=None).match("Eiffel Tower built in 1889")
    finally:
        engine.dispose()
    assert hits[0].claim_id == ids[CLAIMS[1][0]]
    assert hits[0].score > 50 > hits[1].score
    assert all(0 <= hit.score <= 100 for hit in hits)
    # Without the rerank the fusion's score: first by every measure.
    assert plain[0].claim_id == ids[CLAIMS[1][0]]
    assert plain[0].score == 100.0


def test_past_the_reranked_depth_the_list_keeps_falling(db_url: str) -> None:
    add_claims(db_url, CLAIMS)
    engine = create_db_engine(db_url)
    try:
        with Session(engine) as session:
            matcher = open_matcher(session=session)
            assert matcher.reranker is not None
            shallow = replace(matcher, reranker=replace(matcher.reranker, depth=2))
            hits = shallow.match("Bananas are radioactive", limit=5)
            fused = replace(matcher, reranker=None).match("Bananas are radioactive", limit=5)
    finally:
        engine.dispose()
    scores = [hit.score for hit in hits]
    assert scores == sorted(scores, reverse=True)
    assert len(hits) == 5
    # Past the first two the fusion's order goes on.
    assert [hit.claim_id for hit in hits[2:]] == [
        hit.claim_id for hit in fused if hit.claim_id not in {h.claim_id for h in hits[:2]}
    ]
