"""The seed article and its attributed claims."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from factdb.db import transaction
from factdb.resources import seeds_dir
from factdb.schemas.claims import ClaimFilter
from factdb.services.claims.query import iter_claims
from factdb.services.ingest.seeding import seed
from tests.helpers.cli import CliRun
from tests.helpers.paths import REPO_ROOT

SEED_FOLDER = REPO_ROOT / "seeds" / "sputnik-2023-12-29-middle-east-quartet"
SHARED_ARTICLE = REPO_ROOT.parent / "shared" / "seed-article" / "article.txt"


def test_seed_article_is_byte_for_byte_with_its_recorded_hash() -> None:
    data = (SEED_FOLDER / "article.txt").read_bytes()
    meta = json.loads((SEED_FOLDER / "source.json").read_text(encoding="utf-8"))
    assert hashlib.sha256(data).hexdigest() == meta["text_sha256"]
    if SHARED_ARTICLE.exists():
        assert data == SHARED_ARTICLE.read_bytes()


def test_seed_gives_at_least_12_claims_whose_quotes_sit_at_their_spans(cli: CliRun) -> None:
    result = cli("seed")
    assert result.exit_code == 0, result.stderr
    claims = json.loads(cli("list", "--format", "json").stdout)
    assert len(claims) >= 12
    text = cli("source", "show", "1", "--text").stdout
    assert text == (SEED_FOLDER / "article.txt").read_text(encoding="utf-8")
    for claim in claims:
        appearance = claim["appearances"][0]
        assert text[appearance["start"] : appearance["end"]] == appearance["quote"]
        assert claim["status"] == "unverified"
        assert claim["claimant"] is not None
        assert claim["tags"]
    claimants = {claim["claimant"]["name"] for claim in claims}
    assert {"Maria Zakharova", "Sergey Lavrov", "Local authorities in Gaza"} <= claimants
    assert "Sputnik International" in claimants


def test_seeding_twice_adds_nothing(cli: CliRun, counts: object) -> None:
    assert cli("seed").exit_code == 0
    first = cli("info", "--format", "json").stdout
    again = cli("seed")
    assert again.exit_code == 0
    assert "0 new claims" in again.stdout
    assert json.loads(cli("info", "--format", "json").stdout) == json.loads(first)


def test_seed_service_reports_what_it_did(engine: Engine) -> None:
    with transaction(engine) as session:
        summary = seed(session=session, seeds_path=seeds_dir(), actor="test")
    assert summary.sources_created == 1
    assert summary.claims_created >= 12
    with Session(engine) as session:
        claims = list(iter_claims(session=session, claim_filter=ClaimFilter()))
    assert len(claims) == summary.claims_created


def test_inconsistent_seed_is_refused_and_nothing_is_written(cli: CliRun, tmp_path: Path) -> None:
    broken = tmp_path / "seeds" / "broken"
    broken.mkdir(parents=True)
    for name in ("article.txt", "source.json"):
        (broken / name).write_bytes((SEED_FOLDER / name).read_bytes())
    claims = json.loads((SEED_FOLDER / "claims.json").read_text(encoding="utf-8"))
    claims["claims"][-1]["start"] += 1
    (broken / "claims.json").write_text(json.dumps(claims), encoding="utf-8")
    result = cli("seed", str(tmp_path / "seeds"))
    assert result.exit_code == 1
    assert "is not at" in result.stderr
    assert json.loads(cli("info", "--format", "json").stdout)["counts"]["claims"] == 0
