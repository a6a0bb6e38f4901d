#!/usr/bin/env python3
"""Extraction speed: CPU seconds per 10,000 words after start-up, on real news text.

The texts are PolNeAR's training articles (shared/data/polnear-train; 60 political news
articles). Start-up (loading the English pipeline, the check-worthiness model and the language
identifier) is timed apart, on a first short text; then every article is extracted once and the
process's CPU time (all threads) is divided by the words (whitespace-separated) extracted.
Candidates below the minimum score (the command line's default unless --min-score) are never
explained, as in the command line.
Target: at most 1 s per 10,000 words.

    .venv/bin/python benchmarks/extract_speed.py
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from shared_data import shared_data

from factdb.extraction import DEFAULT_MIN_SCORE, extract_claims

TARGET_SECONDS_PER_10K_WORDS = 1.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--texts", type=Path, default=shared_data() / "polnear-train" / "text")
    parser.add_argument("--json-output", type=Path)
    parser.add_argument(
        "--min-score",
        type=float,
        default=DEFAULT_MIN_SCORE,
        help="as the command line's --min-score (default: its default)",
    )
    args = parser.parse_args(argv)
    texts = [path.read_text(encoding="utf-8") for path in sorted(args.texts.glob("*.txt"))]
    started = time.process_time()
    extract_claims("The mayor said the city spent $4 million on parks in 2023.", publisher="P")
    startup = time.process_time() - started
    words = sum(len(text.split()) for text in texts)
    started, wall = time.process_time(), time.perf_counter()
    candidates = sum(
        len(extract_claims(text, publisher="P", min_score=args.min_score)) for text in texts
    )
    cpu, wall = time.process_time() - started, time.perf_counter() - wall
    per_10k = cpu / words * 10_000
    from factdb.extraction.nlp import parse

    started = time.process_time()
    for text in texts:
        parse(text)
    parse_only = (time.process_time() - started) / words * 10_000
    # The same run's baseline: spaCy's pipeline as loaded by default (thinc's BLIS products,
    # BLAS threads as configured), the components factdb runs.
    import spacy

    from factdb.extraction.nlp import EXCLUDED_COMPONENTS, MODEL_PACKAGE, NOT_RUN_COMPONENTS

    default = spacy.load(MODEL_PACKAGE, exclude=[*EXCLUDED_COMPONENTS, *NOT_RUN_COMPONENTS])
    default("Warm-up.")
    started = time.process_time()
    for text in texts:
        default(text)
    default_parse = (time.process_time() - started) / words * 10_000
    print(f"start-up: {startup:.2f} s CPU")
    print(f"{len(texts)} articles, {words:,} words, {candidates:,} candidates")
    print(f"CPU {cpu:.2f} s (wall {wall:.2f} s): {per_10k:.3f} s CPU per 10,000 words")
    print(f"of which the spaCy pipeline alone (tok2vec, tagger, parser): {parse_only:.3f} s")
    print(
        f"baseline, the same pipeline as spaCy loads it by default: {default_parse:.3f} s "
        f"(extraction / baseline = {per_10k / default_parse:.2f})"
    )
    met = per_10k <= TARGET_SECONDS_PER_10K_WORDS
    print(f"{'PASS' if met else 'FAIL'}  <= {TARGET_SECONDS_PER_10K_WORDS:g} s per 10,000 words")
    if args.json_output is not None:
        figures = {
            "startup_cpu_s": startup,
            "words": words,
            "cpu_s": cpu,
            "per_10k_words": per_10k,
            "parse_only_per_10k_words": parse_only,
            "default_spacy_parse_per_10k_words": default_parse,
        }
        args.json_output.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
