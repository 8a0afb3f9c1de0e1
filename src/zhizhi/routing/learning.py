"""The classifier learns the city's taxonomy: confirmations as training data, retraining, and
classification into the city's tree.

* Every category a person sets or keeps at 受理 / 派单 / 办结 is a confirmation
  (``category_confirmations``; ``corrected`` when it differs from the AI's proposal then).
* :func:`train` retrains on the base corpus mapped into the city tree (each base label goes to
  the active category with the same unique name; when the corpus folder is absent, the city's
  confirmations alone) plus the city's confirmed cases; the model is stored in
  ``classifier_models`` and used at once by every process (a per-process cache by version).
* :func:`classify` proposes a category of the city's tree with plain Chinese reasons; without a
  city model the shipped base model's first-level names are mapped onto the tree.

Services flush, never commit. See docs/intelligence-classifier.md.
"""

from __future__ import annotations

import csv
import logging
import threading
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from zhizhi.cases import service as cases
from zhizhi.cases.service import Case
from zhizhi.catalogue import service as catalogue
from zhizhi.core import audit, clock, jobs
from zhizhi.core.errors import NotFound, ValidationFailed
from zhizhi.core.principal import Principal
from zhizhi.core.settings import get_settings
from zhizhi.intelligence.classifier import city
from zhizhi.intelligence.classifier.model import CategoryModel
from zhizhi.routing import reasons
from zhizhi.routing import repository as repo
from zhizhi.routing.models import CategoryConfirmation, ClassifierModel, ClassifierTraining

BASE_CORPUS = Path("../shared/data/citizen_messages")  # optional: used when present

log = logging.getLogger("zhizhi.routing")
_lock = threading.Lock()
_loaded: dict[str, tuple[CategoryModel, dict[str, Any]]] = {}


# ---- confirmations --------------------------------------------------------------------------------


def record_confirmation(session: Session, case: Case, principal: Principal, action: str, code: str) -> None:
    """A person set or kept ``code`` on ``case``: training data, and the AI's proposal decided."""
    info = catalogue.category_named(session, code) or catalogue.find_category(session, code)
    if info is None:
        return
    suggestion = repo.latest_suggestion(session, case.id, "classification")
    suggested = suggestion.category_code if suggestion is not None else None
    corrected = suggested is not None and suggested not in catalogue.ancestor_codes(session, info.id)
    repo.add_confirmation(
        session,
        CategoryConfirmation(
            case_id=case.id,
            category_id=info.id,
            suggested_code=suggested,
            action=action,
            corrected=corrected,
            confirmed_by_id=principal.user_id or None,
            confirmed_at=clock.now(),
        ),
    )
    if suggestion is not None and suggestion.status == "pending":
        suggestion.status = "overridden" if corrected else "accepted"
        suggestion.decided_by_id, suggestion.decided_at = principal.user_id or None, clock.now()
        suggestion.decision = {"category": info.code, "suggested": suggested}


# ---- training -------------------------------------------------------------------------------------


def _tree(session: Session) -> dict[str, str | None]:
    parents: dict[str, str | None] = {}
    by_id = {c.id: c for c in catalogue.all_categories(session)}
    for c in by_id.values():
        parent = by_id.get(c.parent_id) if c.parent_id else None
        parents[c.code] = parent.code if parent else None
    return parents


def names(session: Session) -> dict[str, str]:
    """Code → name of every category (the relabelling's name anchors)."""
    return {c.code: c.name for c in catalogue.all_categories(session)}


def base_corpus(
    session: Session, folder: Path | None, limit: int | None = None
) -> tuple[list[tuple[str, str]], dict[str, str]]:
    """The labelled base corpus mapped into the city tree, and the label → code mapping used."""
    path = (folder or BASE_CORPUS) / "labelled_messages.csv"
    if not path.is_file():
        return [], {}
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    mapping: dict[str, str] = {}
    for label in sorted({r["label"].strip() for r in rows}):
        info = top_level_named(session, label)
        if info is not None:
            mapping[label] = info.code
    out = [
        ((r.get("subject") or "") + " " + (r.get("body") or ""), mapping[r["label"].strip()])
        for r in rows
        if r["label"].strip() in mapping
    ]
    if limit is not None:
        out = out[:: max(1, len(out) // limit)][:limit]
    return out, mapping


def extra_corpus(
    folder: Path | None, base: list[tuple[str, str]], mapping: dict[str, str], limit: int | None = None
) -> list[tuple[str, str]]:
    """The base corpus's tokenised copy, mapped like it: offered to the relabelling, which keeps
    only the texts that speak of the city's own split and are no twin of a base text
    (``classifier.relabel``). None for a limited run (a sample of the labelled texts)."""
    if limit is not None or not base:
        return []
    from zhizhi.intelligence.classifier.data import tokenised_extra

    rows = tokenised_extra(folder or BASE_CORPUS)  # twins of the base: left out by the relabelling
    return [(t, mapping[label]) for t, label in rows if label in mapping]


def confirmed_cases(session: Session) -> list[tuple[str, str]]:
    """``(text, category code)`` of every case's latest confirmation, oldest first."""
    rows = repo.confirmations(session)
    texts = cases.case_texts(session, [r.case_id for r in rows])
    out = []
    for r in rows:
        info = catalogue.category_info(session, r.category_id)
        if info is not None and r.case_id in texts:
            subject, content = texts[r.case_id]
            out.append((f"{subject} {content}", info.code))
    return out


def predict_codes(session: Session, texts: list[str], *, general: bool = False) -> list[str | None]:
    """What the model in use proposes for ``texts`` (the city's, else — or with ``general`` —
    the general one mapped onto the tree's first level)."""
    loaded = None if general else _city_model(session)
    if loaded is not None:
        return list(city.predict_codes(loaded[0], texts, loaded[1].get("first_level")))
    from zhizhi.intelligence.classifier import classify_many

    out: list[str | None] = []
    for result in classify_many(texts):
        info = top_level_named(session, result.category)
        out.append(info.code if info else None)
    return out


def top_level_named(session: Session, name: str) -> Any | None:
    """The active first-level category called ``name`` (the general model's labels are
    first-level names), else the active category whose code or unique name it is."""
    for code, path in catalogue.category_choices(session):
        if path == name:
            return catalogue.category_named(session, code)
    return catalogue.category_named(session, name)


def train(
    session: Session, *, base_dir: Path | None = None, base_limit: int | None = None, actor: audit.Actor
) -> dict[str, Any]:
    """Retrain on the base corpus (mapped) + the city's confirmed cases; store and use the model.
    Returns its details (classes, samples, held-back accuracy before and after, seconds)."""
    parents = _tree(session)
    confirmed = confirmed_cases(session)
    base, mapping = base_corpus(session, base_dir, base_limit)
    held = city.split_holdout(len(confirmed))
    holdout = confirmed[len(confirmed) - held :] if held else []
    before = (
        city.score_predictions(
            predict_codes(session, [t for t, _ in holdout]), [c for _, c in holdout], parents
        )
        if holdout
        else {"n": 0, "accuracy": None, "first_level_accuracy": None}
    )
    try:
        extra = extra_corpus(base_dir, base, mapping, base_limit)
        result = city.train_city(confirmed, base, parents, names=names(session), extra=extra)
    except ValueError as exc:
        raise ValidationFailed(
            "已确认分类的工单太少，暂无足够样本训练模型",
            f"not enough confirmed cases to train: {exc}",
            field="samples",
        ) from None
    details = result.metadata | {
        "holdout_before": before,
        "base_mapping": mapping,
        "insufficient": result.insufficient,
        "before_version": active_version(session),
    }
    row = ClassifierModel(
        version=details["model_version"],
        trained_at=clock.now(),
        details=details,
        artifact=city.dumps(result.model, details),
        active=True,
    )
    repo.add_model(session, row)
    session.flush()
    pruned = repo.prune_models(session, get_settings().classifier_keep_models)
    audit.record(
        session,
        "ai.classifier_trained",
        actor,
        object_type="classifier_model",
        object_id=row.version,
        classes=len(result.model.classes),
        confirmed=details["n_confirmed"],
        base=details["n_base"],
        accuracy=details["holdout"]["accuracy"],
        pruned=pruned,
    )
    return details


# ---- retraining asked for by a person: a job on the queue ----------------------------------------

TRAIN_TASK = "routing.train_requested"


def request_training(session: Session, principal: Principal) -> tuple[ClassifierTraining, bool]:
    """Queue a retraining (``routing.train_requested``) unless one is queued or running; returns
    the training and whether it is new. Audited."""
    current = repo.open_training(session)
    if current is not None:
        return current, False
    row = ClassifierTraining(
        status="queued",
        requested_by_id=principal.user_id or None,
        requested_by=principal.username,
        requested_at=clock.now(),
    )
    repo.add_training(session, row)
    session.flush()
    jobs.enqueue(session, TRAIN_TASK, training_id=row.id)
    audit.record(
        session,
        "ai.classifier_train_requested",
        principal.actor,
        object_type="classifier_training",
        object_id=row.id,
    )
    return row, True


def latest_training(session: Session) -> dict[str, Any] | None:
    """What the administration page shows of the retraining queued or running (else of the
    latest one): its state, who asked and when, and its outcome."""
    row = repo.latest_training(session)
    if row is None:
        return None
    return {
        "id": row.id,
        "status": row.status,
        "requested_by": row.requested_by,
        "requested_at": row.requested_at,
        "started_at": row.started_at,
        "finished_at": row.finished_at,
        "model_version": row.model_version,
        "error": (row.error_zh, row.error_en) if row.error_zh else None,
        "active": row.status in ("queued", "running"),
    }


def get_training(session: Session, training_id: int) -> ClassifierTraining:
    row = repo.training(session, training_id)
    if row is None:
        raise NotFound("没有这次训练", "no such training", field="training_id")
    return row


def run_training(training_id: int, base_dir: Path | None = None) -> None:
    """The job: mark the training running, retrain in its own unit of work, record the outcome
    (safe to run again: only a queued training runs)."""
    from zhizhi.core.db import unit_of_work

    with unit_of_work() as session:
        row = repo.training(session, training_id, lock=True)
        if row is None or row.status != "queued":
            return
        row.status, row.started_at = "running", clock.now()
        actor = audit.Actor(row.requested_by_id, row.requested_by)
    outcome: dict[str, Any]
    try:
        with unit_of_work() as session:
            details = train(session, base_dir=base_dir, actor=actor)
        outcome = {"status": "done", "model_version": details["model_version"]}
    except ValidationFailed as exc:
        outcome = {"status": "failed", "error_zh": exc.zh[:400], "error_en": exc.en[:400]}
    except Exception as exc:  # recorded for the person who asked; the log has the traceback
        log.exception("classifier training %s failed", training_id)
        outcome = {
            "status": "failed",
            "error_zh": "训练失败，请查看服务日志",
            "error_en": f"training failed ({type(exc).__name__}); see the service log",
        }
    with unit_of_work() as session:
        row = repo.training(session, training_id, lock=True)
        if row is not None:
            for key, value in outcome.items():
                setattr(row, key, value)
            row.finished_at = clock.now()


# ---- the model in use -----------------------------------------------------------------------------


def active_version(session: Session) -> str | None:
    header = repo.active_model_header(session)
    return str(header.version) if header is not None else None


def _city_model(session: Session) -> tuple[CategoryModel, dict[str, Any]] | None:
    header = repo.active_model_header(session)
    if header is None:
        return None
    with _lock:
        hit = _loaded.get(header.version)
    if hit is not None:
        return hit
    data = repo.model_artifact(session, header.id)
    if data is None:  # pragma: no cover
        return None
    loaded = city.loads(data)
    with _lock:
        _loaded.clear()  # one model per process: the newest
        _loaded[header.version] = loaded
    return loaded


def model_status(session: Session) -> dict[str, Any]:
    """What the administration page shows: the model in use, its date and held-back accuracy,
    and which categories have too few samples."""
    header = repo.active_model_header(session)
    counts = repo.confirmation_counts(session)
    if header is None:
        try:
            from zhizhi.intelligence.classifier import model_version

            version = model_version()
        except Exception:
            version = None
        return {
            "kind": "base",
            "version": version,
            "trained_at": None,
            "details": {},
            "confirmations": counts,
        }
    return {
        "kind": "city",
        "version": header.version,
        "trained_at": header.trained_at,
        "details": header.details,
        "confirmations": counts,
    }


# ---- classification -------------------------------------------------------------------------------


def classify_text(session: Session, text: str, *, threshold: float = 0.6) -> dict[str, Any] | None:
    """A proposal in the city's tree for ``text`` (``None`` when no model is available)."""
    loaded = _city_model(session)
    if loaded is None:
        return _classify_base(session, text, threshold)
    model, meta = loaded
    ranked, terms = city.predict(model, text, meta.get("first_level"))
    code, confidence = ranked[0]
    info = catalogue.category_named(session, code) or catalogue.find_category(session, code)
    if info is None:  # the category was removed from the tree since training
        return None
    path = catalogue.category_path(session, info.id)
    paths = {"zh": path, "en": catalogue.category_path(session, info.id, "en")}
    uncovered = set(meta.get("uncovered_first_level", []))
    names = (
        [p for code, p in catalogue.category_choices(session) if code in uncovered],
        [p for code, p in catalogue.category_choices(session, "en") if code in uncovered],
    )
    low = confidence < threshold
    return {
        "category": info.name,
        "category_code": info.code,
        "category_path": path,
        "confidence": confidence,
        "needs_review": low,
        "probabilities": {c: round(p, 4) for c, p in ranked[:5]},
        "reasons": reasons.classification(paths, confidence, terms, names, low),
        "insufficient": list(meta.get("insufficient", [])),
        "model_version": str(meta.get("model_version")),
    }


def _classify_base(session: Session, text: str, threshold: float) -> dict[str, Any] | None:
    try:
        from zhizhi.intelligence.classifier import classify_many
    except ImportError:  # pragma: no cover
        return None
    result = classify_many([text])[0]
    info = top_level_named(session, result.category)
    if info is None:
        return None
    path = catalogue.category_path(session, info.id)
    paths = {"zh": path, "en": catalogue.category_path(session, info.id, "en")}
    terms = [r.split(": ", 1)[1] for r in result.reasons if r.startswith("category=") and ": " in r]
    low = bool(result.needs_review) or result.confidence < threshold
    words = terms[0].split("、") if terms else []
    why = reasons.classification(paths, result.confidence, words, ([], []), low, city_model=False)
    return {
        "category": info.name,
        "category_code": info.code,
        "category_path": path,
        "confidence": result.confidence,
        "needs_review": low,
        "probabilities": dict(sorted(result.probabilities.items(), key=lambda kv: -kv[1])[:5]),
        "reasons": why,
        "appeal_type": result.appeal_type,
        "urgency": result.urgency,
        "model_version": result.model_version,
    }


def train_from_cli(base_dir: Path | None) -> dict[str, Any]:
    """``zhizhi nlp train --city``: one unit of work, audited as the system."""
    from zhizhi.core.db import unit_of_work

    with unit_of_work() as session:
        return train(session, base_dir=base_dir, actor=audit.Actor.system())
