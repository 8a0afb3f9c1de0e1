"""Rating pages: the applicant's rating form (number + ID number or credit code, no account
needed) with the feedback on a bad rating, and the departments' and supervisors' rectification
queue with its verify and complete forms."""

from __future__ import annotations

from contextlib import suppress
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import RedirectResponse
from pydantic import ValidationError
from starlette.responses import Response

from zhizhi.core.errors import DomainError
from zhizhi.core.permissions import Permission
from zhizhi.http.deps import DbSession
from zhizhi.services.ratings import schemas as s
from zhizhi.services.ratings import service
from zhizhi.services.ratings.enums import DIMENSIONS, LABELS, Measure, Rating, RectificationStatus
from zhizhi.ui import csrf, i18n
from zhizhi.ui.forms import FormErrors, Posted
from zhizhi.ui.session import MaybeStaff, Staff
from zhizhi.ui.templating import error_page, render

router = APIRouter(include_in_schema=False)
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]


def _labels(lang: str) -> dict[str, str]:
    return {k: i18n.pick(v, lang) for k, v in LABELS.items()}


def _rate_page(
    request: Request,
    session: DbSession,
    principal: Any,
    form: dict[str, Any],
    *,
    ratings: list[s.RatingOut] | None = None,
    errors: FormErrors | None = None,
    status_code: int = 200,
    done: bool = False,
) -> Response:
    lang = i18n.lang_of(request)
    ctx = {
        "form": form,
        "ratings": ratings,
        "errors": errors or FormErrors(lang),
        "levels": [(r.value, i18n.pick(LABELS[r], lang)) for r in Rating],
        "dimensions": {
            c.value: [(d.value, i18n.pick(LABELS[d], lang)) for d in ds] for c, ds in DIMENSIONS.items()
        },
        "labels": _labels(lang),
        "done": done,
    }
    return render(request, "services/ratings/rate.html", ctx, status_code=status_code, principal=principal)


@router.get("/services/rate")
def rate_page(
    request: Request,
    session: DbSession,
    principal: MaybeStaff,
    number: Annotated[str, Query(max_length=20)] = "",
) -> Response:
    return _rate_page(request, session, principal, {"number": number.strip()})


@router.post("/services/rate/lookup", dependencies=[Depends(csrf.verify)])
def lookup(request: Request, session: DbSession, principal: MaybeStaff, form: Posted) -> Response:
    """The applicant opens their application's ratings with the number and their ID number."""
    number, id_number = str(form.get("number", "")).strip()[:20], str(form.get("id_number", "")).strip()[:40]
    errors = FormErrors(i18n.lang_of(request))
    try:
        found = service.ratings_for_applicant(session, None, number, id_number)
    except DomainError as exc:
        errors.from_domain(exc)
        return _rate_page(
            request, session, principal, {"number": number}, errors=errors, status_code=exc.status
        )
    return _rate_page(request, session, principal, {"number": number, "id_number": id_number}, ratings=found)


@router.post("/services/rate", dependencies=[Depends(csrf.verify)])
def rate(request: Request, session: DbSession, principal: MaybeStaff, form: Posted) -> Response:
    raw = {k: str(form.get(k, "")).strip() for k in ("number", "id_number", "stage", "level", "comment")}
    dims = {
        d: str(form.get(f"dim_{d}", ""))
        for ds in DIMENSIONS.values()
        for d in ds
        if str(form.get(f"dim_{d}", ""))
    }
    body: dict[str, Any] = {k: v for k, v in raw.items() if v} | {"dimensions": dims}
    errors = FormErrors(i18n.lang_of(request))
    try:
        service.rate(session, None, s.RatingIn.model_validate(body))
    except ValidationError as exc:
        errors.from_validation(exc)
    except DomainError as exc:
        session.rollback()
        errors.from_domain(exc)
    else:
        mine = service.ratings_for_applicant(session, None, raw["number"], raw["id_number"])
        return _rate_page(
            request,
            session,
            principal,
            {"number": raw["number"], "id_number": raw["id_number"]},
            ratings=mine,
            done=True,
        )
    found: list[s.RatingOut] | None = None
    with suppress(DomainError):  # the number or the ID is wrong: the form comes back without ratings
        found = service.ratings_for_applicant(session, None, raw["number"], raw["id_number"])
    return _rate_page(
        request, session, principal, raw | {"dims": dims}, ratings=found, errors=errors, status_code=422
    )


# -- the rectification queue ----------------------------------------------------------------------


@router.get("/services/rectifications")
def queue(
    request: Request,
    session: DbSession,
    principal: Staff,
    status: Annotated[str, Query(max_length=12)] = "open",
    done: str = "",
) -> Response:
    lang = i18n.lang_of(request)
    try:
        rows = service.rectifications(session, principal, None if status in {"", "all"} else status)
    except DomainError as exc:
        return error_page(request, (exc.zh, exc.en), exc.status, principal)
    ctx = {
        "rows": [(service.rectification_out(session, x), service.to_out(session, r)) for x, r in rows],
        "status": status,
        "statuses": ["open", "overdue", *(x.value for x in RectificationStatus)],
        "measures": [(m.value, i18n.pick(LABELS[m], lang)) for m in Measure],
        "labels": _labels(lang),
        "can_act": principal.can(Permission.RATING_RECTIFY),
        "done": done,
        "errors": FormErrors(lang),
        "no_errors": FormErrors(lang),
        "failed": None,
    }
    return render(request, "services/ratings/queue.html", ctx, principal=principal)


def _act(
    request: Request, session: DbSession, principal: Staff, rectification_id: int, form: Posted, step: str
) -> Response:
    errors = FormErrors(i18n.lang_of(request))
    raw = {k: str(form.get(k, "")).strip() for k in ("verification", "measure", "result")}
    try:
        if step == "verify":
            body = {k: v for k, v in raw.items() if v}
            service.verify(session, principal, rectification_id, s.VerifyIn.model_validate(body))
        else:
            service.complete(
                session, principal, rectification_id, s.CompleteIn.model_validate({"result": raw["result"]})
            )
    except ValidationError as exc:
        errors.from_validation(exc)
    except DomainError as exc:
        session.rollback()
        errors.from_domain(exc)
    else:
        return RedirectResponse(
            f"/services/rectifications?status=all&done={step}#r-{rectification_id}", status_code=303
        )
    lang = i18n.lang_of(request)
    rows = service.rectifications(session, principal, None)
    ctx = {
        "rows": [(service.rectification_out(session, x), service.to_out(session, r)) for x, r in rows],
        "status": "all",
        "statuses": ["open", "overdue", *(x.value for x in RectificationStatus)],
        "measures": [(m.value, i18n.pick(LABELS[m], lang)) for m in Measure],
        "labels": _labels(lang),
        "can_act": principal.can(Permission.RATING_RECTIFY),
        "done": "",
        "errors": errors,
        "no_errors": FormErrors(lang),
        "failed": rectification_id,
        "form": raw,
    }
    return render(request, "services/ratings/queue.html", ctx, status_code=422, principal=principal)


@router.post("/services/rectifications/{rectification_id}/verify", dependencies=[Depends(csrf.verify)])
def verify(
    request: Request, session: DbSession, principal: Staff, rectification_id: Id, form: Posted
) -> Response:
    return _act(request, session, principal, rectification_id, form, "verify")


@router.post("/services/rectifications/{rectification_id}/complete", dependencies=[Depends(csrf.verify)])
def complete(
    request: Request, session: DbSession, principal: Staff, rectification_id: Id, form: Posted
) -> Response:
    return _act(request, session, principal, rectification_id, form, "complete")
