"""The ratings API: the applicant rates and reads the result (signed in, or with the number and
their ID number / credit code); departments verify and rectify; figures."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from zhizhi.http.deps import DbSession
from zhizhi.org.deps import CurrentPrincipal, OptionalPrincipal
from zhizhi.services.ratings import schemas as s
from zhizhi.services.ratings import service

router = APIRouter(prefix="/api/v1/service-ratings", tags=["services 好差评"])
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]


@router.post("", status_code=201, response_model=s.RatingOut)
def rate(session: DbSession, principal: OptionalPrincipal, body: s.RatingIn) -> s.RatingOut:
    """Rate an application (the applicant: signed in, or with ``id_number``)."""
    return service.to_out(session, service.rate(session, principal, body))


@router.get("", response_model=list[s.RatingOut])
def mine(
    session: DbSession,
    principal: OptionalPrincipal,
    number: Annotated[str, Query(min_length=4, max_length=20)],
    id_number: Annotated[str | None, Query(max_length=40)] = None,
) -> list[s.RatingOut]:
    """The applicant's ratings of one application, with each bad one's verification and result."""
    return service.ratings_for_applicant(session, principal, number, id_number)


@router.get("/rectifications")
def rectifications(
    session: DbSession,
    principal: CurrentPrincipal,
    status: Annotated[str | None, Query(max_length=12)] = None,
) -> list[dict[str, Any]]:
    return [
        {"rating": service.to_out(session, r).model_dump(mode="json", exclude={"rectification"})}
        | {"rectification": service.rectification_out(session, x).model_dump(mode="json")}
        for x, r in service.rectifications(session, principal, status)
    ]


@router.post("/rectifications/{rectification_id}/verify", response_model=s.RectificationOut)
def verify(
    session: DbSession, principal: CurrentPrincipal, rectification_id: Id, body: s.VerifyIn
) -> s.RectificationOut:
    return service.rectification_out(session, service.verify(session, principal, rectification_id, body))


@router.post("/rectifications/{rectification_id}/complete", response_model=s.RectificationOut)
def complete(
    session: DbSession, principal: CurrentPrincipal, rectification_id: Id, body: s.CompleteIn
) -> s.RectificationOut:
    return service.rectification_out(session, service.complete(session, principal, rectification_id, body))


@router.get("/figures")
def figures(
    session: DbSession, principal: CurrentPrincipal, days: Annotated[int, Query(ge=1, le=366)] = 30
) -> dict[str, Any]:
    """Per item, department and window: ratings, good rate, bad ratings, score, open and overdue
    rectifications."""
    return service.figures(session, principal, days)
