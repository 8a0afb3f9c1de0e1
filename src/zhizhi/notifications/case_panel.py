"""The text messages of a case on the workbench's case page (短信通知): kind, recipient (masked),
delivery status, attempts and last error — so an agent answering a caller sees whether the
acceptance SMS went out. Registered by the manifest's install hook (``cases.pages.panels``)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from zhizhi.cases.pages.panels import CasePanel, PanelView
from zhizhi.cases.service import Case
from zhizhi.core.principal import Principal
from zhizhi.notifications import service


def view(session: Session, principal: Principal, case: Case, actions: list[str]) -> PanelView:
    return PanelView(values={"case_messages": service.messages_of_case(session, case.id)})


CASE_PANEL = CasePanel("notifications", "notifications/case_panel.html", view)
