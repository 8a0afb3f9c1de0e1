"""The routing API: a case's AI suggestions, their acceptance, the review queue, hotspots, and
the dispatch catalogue (派单目录)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Response

from zhizhi.cases import service as cases
from zhizhi.core.permissions import Permission
from zhizhi.core.principal import Principal
from zhizhi.http.deps import DbSession
from zhizhi.org.deps import CurrentPrincipal, require
from zhizhi.routing import hotspots, learning, service
from zhizhi.routing.models import DispatchRule
from zhizhi.routing.schemas import RuleIn, RuleOut, SuggestionOut

router = APIRouter(prefix="/api/v1", tags=["routing & AI suggestions 智能分拨"])


@router.get(
    "/cases/{number}/suggestions", response_model=list[SuggestionOut], summary="AI suggestions 智能建议"
)
def suggestions(number: str, session: DbSession, principal: CurrentPrincipal) -> list[SuggestionOut]:
    """The case's suggestions as the caller may see them (``service.payload_for``)."""
    case = cases.get_case(session, principal, number)
    return [
        SuggestionOut(
            kind=s.kind,
            model_version=s.model_version,
            confidence=s.confidence,
            needs_review=s.needs_review,
            status=s.status,
            payload=service.payload_for(session, principal, s),
            created_at=s.created_at,
            decision_reason=s.decision_reason,
            decision=s.decision,
        )
        for s in service.suggestions_of(session, case)
    ]


@router.get("/routing/acceptance", summary="Acceptance rate of dispatch suggestions per category 采纳率")
def acceptance(
    session: DbSession, _: Annotated[Principal, Depends(require(Permission.CASE_READ_ALL))]
) -> dict[str, list[dict[str, Any]]]:
    return {"categories": service.acceptance_rates(session)}


@router.get("/routing/review-queue", summary="Low-confidence suggestions waiting for a person 待人工研判")
def review_queue(
    session: DbSession, _: Annotated[Principal, Depends(require(Permission.CASE_DISPATCH))]
) -> dict[str, list[dict[str, Any]]]:
    return {
        "items": [
            {"number": number, "kind": s.kind, "confidence": s.confidence, "payload": s.payload}
            for s, number in service.review_queue(session)
        ]
    }


@router.get("/hotspots", summary="Current hotspots (newest snapshot) 当前热点")
def current_hotspots(
    session: DbSession, _: Annotated[Principal, Depends(require(Permission.CASE_READ_ALL))]
) -> dict[str, Any]:
    snap = hotspots.latest(session)
    if snap is None:
        return {"computed_at": None, "hotspots": [], "label": {"zh": "尚未计算", "en": "not computed yet"}}
    return {
        "computed_at": snap.computed_at,
        "window_days": snap.window_days,
        "model_version": snap.model_version,
        "cases_considered": snap.cases_considered,
        "hotspots": snap.hotspots,
        "label": {"zh": "AI 发现的热点（供研判）", "en": "AI-found hotspots (for review)"},
    }


@router.post("/hotspots/refresh", summary="Recompute hotspots now 立即重新计算热点")
def refresh_hotspots(
    session: DbSession, _: Annotated[Principal, Depends(require(Permission.COCKPIT_READ))]
) -> dict[str, Any]:
    snap = hotspots.compute(session)
    return {"computed_at": snap.computed_at, "hotspots": len(snap.hotspots)}


def _rule_out(session: DbSession, rule: DispatchRule) -> RuleOut:
    return RuleOut(**service.describe_rule(session, rule))


@router.get("/dispatch-rules", response_model=list[RuleOut], summary="The dispatch catalogue 派单目录")
def list_rules(session: DbSession, _: CurrentPrincipal) -> list[RuleOut]:
    return [_rule_out(session, r) for r in service.active_rules(session)]


@router.post("/dispatch-rules", response_model=RuleOut, status_code=201, summary="Add a rule 新增派单规则")
def create_rule(
    body: RuleIn,
    session: DbSession,
    principal: Annotated[Principal, Depends(require(Permission.CATALOGUE_MANAGE))],
) -> RuleOut:
    rule = service.create_dispatch_rule(session, **body.model_dump(), actor=principal.actor)
    return _rule_out(session, rule)


@router.delete("/dispatch-rules/{rule_id}", status_code=204, summary="Retire a rule 停用派单规则")
def retire_rule(
    rule_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
    session: DbSession,
    principal: Annotated[Principal, Depends(require(Permission.CATALOGUE_MANAGE))],
) -> None:
    service.retire_dispatch_rule(session, rule_id, actor=principal.actor)


@router.get("/nlp/city-model", summary="The city's classifier in use 本市分类模型")
def city_model(
    session: DbSession, _: Annotated[Principal, Depends(require(Permission.CATALOGUE_MANAGE))]
) -> dict[str, Any]:
    """The model in use (``city`` or the general ``base`` model), its training date, its accuracy
    on the newest held-back confirmed cases and the categories without enough samples."""
    status = learning.model_status(session)
    trained = status["trained_at"]
    return status | {"trained_at": trained.isoformat() if trained else None}


def _training_out(row: Any) -> dict[str, Any]:
    def iso(value: Any) -> str | None:
        return value.isoformat() if value is not None else None

    return {
        "training_id": row.id,
        "status": row.status,
        "requested_by": row.requested_by,
        "requested_at": iso(row.requested_at),
        "started_at": iso(row.started_at),
        "finished_at": iso(row.finished_at),
        "model_version": row.model_version,
        "error": {"zh": row.error_zh, "en": row.error_en} if row.error_zh else None,
        "status_url": f"/api/v1/nlp/city-model/trainings/{row.id}",
    }


@router.post(
    "/nlp/city-model", status_code=202, summary="Retrain the city's classifier (a job) 重新训练（后台任务）"
)
def train_city_model(
    session: DbSession,
    response: Response,
    principal: Annotated[Principal, Depends(require(Permission.CATALOGUE_MANAGE))],
) -> dict[str, Any]:
    """Queue a retraining on the job queue and answer at once (202) with the training's id and
    where to follow it; while one is queued or running, that one is returned."""
    row, _ = learning.request_training(session, principal)
    session.flush()
    response.headers["Location"] = f"/api/v1/nlp/city-model/trainings/{row.id}"
    return _training_out(row)


@router.get("/nlp/city-model/trainings/{training_id}", summary="A retraining's state 训练进度")
def training_status(
    training_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
    session: DbSession,
    _: Annotated[Principal, Depends(require(Permission.CATALOGUE_MANAGE))],
) -> dict[str, Any]:
    """queued → running → done (``model_version``) or failed (``error`` in both languages)."""
    return _training_out(learning.get_training(session, training_id))
