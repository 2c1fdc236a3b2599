"""Serialising a fitted routing model for the database, and loading it back (cached)."""

from __future__ import annotations

import hashlib
import io
import threading
from collections import OrderedDict

import joblib
import sklearn

from civicdesk.routing.model import RoutingModel

_CACHE: OrderedDict[tuple[int, str], RoutingModel] = OrderedDict()
_CACHE_SIZE = 8
_LOCK = threading.Lock()


def _trim(model: RoutingModel) -> None:
    """Drop what prediction never needs: the pruned-term lists vectorizers keep for debugging."""
    features = model.pipeline.named_steps["features"]
    for _name, transformer, _columns in getattr(features, "transformers_", []):
        if hasattr(transformer, "stop_words_"):
            transformer.stop_words_ = None


def dump(model: RoutingModel) -> tuple[bytes, str]:
    _trim(model)
    buffer = io.BytesIO()
    joblib.dump(model, buffer, compress=3)
    data = buffer.getvalue()
    return data, hashlib.sha256(data).hexdigest()


def library_versions() -> dict:
    import numpy
    import scipy

    return {
        "scikit-learn": sklearn.__version__,
        "numpy": numpy.__version__,
        "scipy": scipy.__version__,
    }


def model_library_versions(model: RoutingModel) -> dict:
    """library_versions() plus the sentence encoder's package when the model uses it."""
    versions = library_versions()
    if model.uses_embeddings:
        from civicdesk.routing.embeddings import encoder

        spec = encoder(model.encoder)
        versions[spec.package] = spec.package_version()
    return versions


def _check_features(model: RoutingModel, version_id: int) -> None:
    """A model trained with a sentence encoder cannot serve where the encoder's extra is
    missing: refuse it here, with a reason an operator can act on, not fail on every case."""
    if not model.uses_embeddings:
        return
    from civicdesk.routing import embeddings

    name = model.encoder
    spec = embeddings.ENCODERS.get(name)
    if spec is None or not spec.available():
        hint = spec.install_hint() if spec else "a newer civicdesk"
        raise embeddings.EmbeddingsUnavailable(
            f"routing model {version_id} was trained with sentence embeddings ({name}) and "
            f"this installation lacks them: {hint} here, or retrain without "
            "CIVICDESK_ROUTING_EMBEDDINGS; until then its cases go to the keyword rules and triage"
        )


def load(*, version_id: int, sha256: str, data: bytes | memoryview | None = None) -> RoutingModel:
    """Load a stored model; a process keeps the few it used last (the database stays the truth).

    Without `data`, the bytes are read from the database only when this process has not
    loaded that version yet, so a suggestion does not pull megabytes on every call.
    """
    key = (version_id, sha256)
    with _LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    if data is None:
        from civicdesk.routing.models import ModelVersion

        data = ModelVersion.objects.filter(pk=version_id).values_list("artifact", flat=True).first()
        if data is None:
            raise ValueError(f"routing model {version_id} has no stored artifact")
    raw = bytes(data)
    if hashlib.sha256(raw).hexdigest() != sha256:
        raise ValueError(f"routing model {version_id} does not match its checksum")
    model = joblib.load(io.BytesIO(raw))
    _check_features(model, version_id)
    with _LOCK:
        _CACHE[key] = model
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return model
