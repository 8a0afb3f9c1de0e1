"""The shipped artifact: saving, checking and lazily loading it once per process.

``models/category_model.joblib`` holds ``{"metadata": {...}, "model": payload}``, the
payload being plain numpy arrays (:meth:`CategoryModel.to_payload`; joblib, xz-compressed).
``models/category_model.json`` repeats the metadata for people and for a version check
*before* unpickling.  Rebuild both with ``zhizhi nlp train``.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zhizhi.core.errors import ServiceUnavailable
from zhizhi.intelligence.classifier.model import PAYLOAD_FORMAT, CategoryModel

MODELS_DIR = Path(__file__).resolve().parents[1] / "models"
MODEL_FILE = MODELS_DIR / "category_model.joblib"
REBUILD_COMMAND = "zhizhi nlp train"


class ModelUnavailable(ServiceUnavailable):
    """The category model file is missing, corrupt or built with an incompatible library."""

    code = "model_unavailable"

    def __init__(self, path: Path, reason_zh: str, reason_en: str) -> None:
        super().__init__(
            f"分类模型不可用（{path}）：{reason_zh}。请运行 `{REBUILD_COMMAND}` 重新生成。",
            f"Category model unavailable ({path}): {reason_en}. Rebuild it with `{REBUILD_COMMAND}`.",
            model_file=str(path),
            rebuild_command=REBUILD_COMMAND,
        )
        self.path = path


@dataclass(frozen=True, slots=True)
class LoadedModel:
    model: CategoryModel
    metadata: dict[str, Any]
    path: Path

    @property
    def version(self) -> str:
        return str(self.metadata["model_version"])


def metadata_path(path: Path) -> Path:
    return path.with_suffix(".json")


def save(model: CategoryModel, metadata: dict[str, Any], path: Path = MODEL_FILE) -> Path:
    """Write the artifact and its JSON metadata; returns the artifact path."""
    import joblib

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".joblib.tmp")
    joblib.dump({"metadata": metadata, "model": model.to_payload()}, tmp, compress=("xz", 6))
    tmp.replace(path)
    metadata_path(path).write_text(
        json.dumps(metadata, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return path


def _major(version: str) -> str:
    return version.split(".", 1)[0]


def _installed_sklearn() -> str:
    """The installed scikit-learn version, read without importing it (~100 MB in a web process)."""
    from importlib.metadata import version

    return version("scikit-learn")


def check_compatible(metadata: dict[str, Any], path: Path) -> None:
    installed = _installed_sklearn()
    built = str(metadata.get("sklearn_version", ""))
    if not built:
        raise ModelUnavailable(path, "元数据缺少 sklearn 版本", "its metadata has no sklearn version")
    if _major(built) != _major(installed):
        raise ModelUnavailable(
            path,
            f"模型由 scikit-learn {built} 生成，当前为 {installed}（主版本不同）",
            f"it was built with scikit-learn {built} but {installed} is installed (different major version)",
        )


def load(path: Path = MODEL_FILE) -> LoadedModel:
    """Read and check an artifact (no caching); raises :class:`ModelUnavailable`."""
    import joblib

    if not path.is_file():
        raise ModelUnavailable(path, "文件不存在", "the file does not exist")
    meta_file = metadata_path(path)
    if meta_file.is_file():
        try:
            check_compatible(json.loads(meta_file.read_text(encoding="utf-8")), path)
        except ValueError as exc:
            raise ModelUnavailable(path, "元数据文件损坏", f"its metadata file is corrupt ({exc})") from exc
    try:
        payload = joblib.load(path)
    except Exception as exc:  # any unpickling failure means a corrupt or foreign file
        raise ModelUnavailable(
            path, "文件损坏或无法读取", f"the file is corrupt or unreadable ({type(exc).__name__})"
        ) from exc
    if not isinstance(payload, dict) or not isinstance(payload.get("model"), dict):
        raise ModelUnavailable(path, "文件内容不是分类模型", "the file does not contain a category model")
    metadata = payload.get("metadata") or {}
    check_compatible(metadata, path)
    found = payload["model"].get("format", 1)
    if found != PAYLOAD_FORMAT:
        raise ModelUnavailable(
            path,
            f"模型格式为 {found}，当前代码需要格式 {PAYLOAD_FORMAT}",
            f"it has model format {found} but this version of zhizhi reads format {PAYLOAD_FORMAT}",
        )
    try:
        model = CategoryModel.from_payload(payload["model"])
    except (KeyError, ValueError, TypeError, IndexError) as exc:
        raise ModelUnavailable(path, "文件内容不完整", f"the model data is incomplete ({exc})") from exc
    return LoadedModel(model, metadata, path)


_lock = threading.Lock()
_cache: dict[Path, LoadedModel] = {}


def get(path: Path = MODEL_FILE) -> LoadedModel:
    """The process-wide model, loaded on first use (thread-safe)."""
    loaded = _cache.get(path)
    if loaded is not None:
        return loaded
    with _lock:
        loaded = _cache.get(path)
        if loaded is None:
            loaded = load(path)
            _cache[path] = loaded
        return loaded


def reset_cache() -> None:
    with _lock:
        _cache.clear()
