#!/usr/bin/env python3
"""Claimant accuracy on PolNeAR: who the extractor says said what, against the annotators.

PolNeAR (Newell, Margolin, Ruths, LREC 2018; github.com/networkdynamics/PolNeAR) annotates every
attribution in political news articles: its Source (who), Cue and Content spans, in brat
standoff format. Its splits stay apart: the `train` split (beside the repository in
shared/data/polnear-train) is development data; the `dev` split was measured once rules and model
were fixed and nothing was tuned on it; the `test` split is held out and never read.

For each attribution with a Source, the candidate that overlaps its Content most is taken (found
when the overlap covers half of the shorter of the two). Its claimant is right when the gold
Source's head word is one of the claimant's words and the claimant's head word is one of the
Source's ("Barkley" and "Charles Barkley, the former NBA star," agree; "Trump" and "the Trump
campaign" do not); a head is the last word before any apposition, relative clause, bracket,
dash or prepositional phrase. A Source that names a role ("the vice president") is also right
for a claimant given with that role ("Joe Biden", role "Vice President"). Sources that are
pronouns ("he", "who", "I") need a coreference the annotation does not give, so they are
counted apart. "Reported speech" is the subset whose cue holds a speech verb
(VerbNet's reporting and communication classes) or "according to".

    .venv/bin/python benchmarks/polnear_eval.py                      # the train split (development)
    .venv/bin/python benchmarks/polnear_eval.py --split-dir PolNeAR/data/dev
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from shared_data import shared_data

from factdb.extraction import extract_claims
from factdb.extraction.lexicon import SPEECH_LEMMAS
from factdb.schemas.extraction import ExtractedClaim

PRONOUNS = frozenset(
    [
        "i",
        "me",
        "we",
        "us",
        "you",
        "he",
        "him",
        "she",
        "her",
        "it",
        "they",
        "them",
        "who",
        "whom",
        "which",
        "that",
        "this",
        "these",
        "those",
        "one",
        "someone",
        "somebody",
        "everyone",
    ]
)
_WORD = re.compile(r"[\w\-]+")
_STOP = frozenset(["the", "a", "an", "'s"])
# A name's head is the last word before what describes it: an apposition or relative clause
# (", a spokesman for …", ", who …"), a bracket, a dash, or a prepositional phrase ("Many
# speakers at the service", "Local authorities in Gaza").
_DESCRIPTION = re.compile(
    r",|\(|\s[\u2014\u2013-]\s|\s(?:who|which|that|at|in|of|for|from|on|with|including)\s",
    re.IGNORECASE,
)


@dataclass
class Attribution:
    source: str
    cue: str
    content: list[tuple[int, int]]


@dataclass
class Tally:
    attributions: int = 0
    found: int = 0
    judged: int = 0
    right: int = 0
    pronoun_sources: int = 0
    overlap_sum: float = 0.0
    errors: list[str] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.right / self.judged if self.judged else 0.0

    @property
    def coverage(self) -> float:
        return self.found / self.attributions if self.attributions else 0.0

    @property
    def mean_overlap(self) -> float:
        return self.overlap_sum / self.found if self.found else 0.0


def read_annotation(path: Path) -> list[Attribution]:
    spans: dict[str, tuple[list[tuple[int, int]], str]] = {}
    events: list[dict[str, str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if line.startswith("T") and len(parts) >= 3:
            kind_and_spans = parts[1].split(" ", 1)
            ranges = [
                (int(a), int(b))
                for a, b in (piece.split() for piece in kind_and_spans[1].split(";"))
            ]
            spans[parts[0]] = (ranges, parts[2])
        elif line.startswith("E") and len(parts) >= 2:
            events.append(dict(item.split(":", 1) for item in parts[1].split() if ":" in item))
    found = []
    for event in events:
        if "Source" not in event or "Content" not in event:
            continue
        source = spans[event["Source"]][1]
        cue = spans[event["Cue"]][1] if "Cue" in event and event["Cue"] in spans else ""
        found.append(Attribution(source, cue, spans[event["Content"]][0]))
    return found


def articles(split: Path) -> list[tuple[str, str, list[Attribution]]]:
    """Each article's text and its first annotator's attributions."""
    out = []
    annotations = sorted((split / "attributions").glob("*.ann"))
    for text_path in sorted((split / "text").glob("*.txt")):
        mine = [a for a in annotations if a.name.startswith(text_path.stem + "_")]
        if mine:
            text = text_path.read_text(encoding="utf-8")
            out.append((text_path.stem, text, read_annotation(mine[0])))
    return out


def words(name: str) -> list[str]:
    return [w for w in _WORD.findall(name.casefold().replace("\u2019", "'")) if w not in _STOP]


def head(name: str) -> str | None:
    core = _DESCRIPTION.split(re.sub(r"['\u2019]s\b", "", name), maxsplit=1)[0]
    found = words(core)
    return found[-1] if found else None


def same_speaker(claimant: str | None, source: str) -> bool:
    """Each name's head word is one of the other's words."""
    ours, gold = words(claimant or ""), words(re.sub(r"['\u2019]s\b", "", source))
    ours_head, gold_head = head(claimant or ""), head(source)
    return bool(ours and gold) and gold_head in ours and ours_head in gold


def same_role(candidate: ExtractedClaim, source: str) -> bool:
    """ "the vice president" is right for a claimant named with that role ("Joe Biden", role
    "Vice President"): the gold names the role, the extractor the person holding it."""
    gold_head, roles = head(source), words(candidate.claimant_role or "")
    return candidate.claimant is not None and gold_head is not None and gold_head in roles


def is_pronoun(source: str) -> bool:
    tokens = words(source)
    return (len(tokens) == 1 and tokens[0] in PRONOUNS) or not tokens


def is_reported_speech(cue: str) -> bool:
    lowered = cue.casefold()
    if "according" in lowered:
        return True
    from factdb.extraction.nlp import english, is_verb, verb_lemmas

    return any(is_verb(token) and verb_lemmas(token) & SPEECH_LEMMAS for token in english()(cue))


def overlap(candidate: ExtractedClaim, ranges: list[tuple[int, int]]) -> int:
    return sum(max(0, min(candidate.end, b) - max(candidate.start, a)) for a, b in ranges)


def evaluate(split: Path) -> dict[str, Tally]:
    tallies = {"all": Tally(), "reported speech": Tally()}
    for name, text, gold in articles(split):
        candidates = extract_claims(text, publisher=None, min_score=0.0, language="en")
        for item in gold:
            groups = ["all"] + (["reported speech"] if is_reported_speech(item.cue) else [])
            length = sum(b - a for a, b in item.content)
            best = max(candidates, key=lambda c: overlap(c, item.content), default=None)
            shared = overlap(best, item.content) if best is not None else 0
            found = best is not None and shared >= 0.5 * min(length, best.end - best.start)
            for group in groups:
                tally = tallies[group]
                tally.attributions += 1
                if not found or best is None:
                    continue
                tally.found += 1
                tally.overlap_sum += shared / (length + (best.end - best.start) - shared)
                if is_pronoun(item.source):
                    tally.pronoun_sources += 1
                    continue
                tally.judged += 1
                if same_speaker(best.claimant, item.source) or same_role(best, item.source):
                    tally.right += 1
                else:
                    said = " ".join(best.text.split()[:12])
                    tally.errors.append(
                        f"{name[:30]}: gold {item.source!r}, ours {best.claimant!r} "
                        f"({best.attribution.value}; cue {item.cue!r}): {said}"
                    )
    return tallies


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--split-dir",
        type=Path,
        default=shared_data() / "polnear-train",
        help="a PolNeAR split folder with text/ and attributions/ (default: the train split)",
    )
    parser.add_argument(
        "--errors", type=int, default=0, help="print this many wrong claimants of reported speech"
    )
    parser.add_argument("--json-output", type=Path)
    args = parser.parse_args(argv)
    if args.split_dir.name == "test" or "/test" in args.split_dir.as_posix():
        print("Error: PolNeAR's test split is held out; measure on train or dev", file=sys.stderr)
        return 2
    tallies = evaluate(args.split_dir)
    print(
        f"{'subset':<16} {'attrib':>6} {'found':>6} {'overlap':>7} {'judged':>6} "
        f"{'pronoun':>7} {'claimant acc':>12}"
    )
    for group, tally in tallies.items():
        print(
            f"{group:<16} {tally.attributions:>6} {tally.coverage:>6.3f} "
            f"{tally.mean_overlap:>7.3f} {tally.judged:>6} {tally.pronoun_sources:>7} "
            f"{tally.accuracy:>12.3f}"
        )
    for line in tallies["reported speech"].errors[: args.errors]:
        print("  " + line)
    if args.json_output is not None:
        figures = {
            group: {
                "attributions": t.attributions,
                "found": t.coverage,
                "mean_overlap": t.mean_overlap,
                "judged": t.judged,
                "pronoun_sources": t.pronoun_sources,
                "claimant_accuracy": t.accuracy,
            }
            for group, t in tallies.items()
        }
        args.json_output.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
