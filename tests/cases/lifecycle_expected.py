"""The case lifecycle as the product defines it, written out by hand (never read from the code).

Each row is an action; each column a status the case is in when the action is asked for. A cell is
the status the case moves to, ``=`` when it stays where it is (the action only records an event),
``<-`` when it goes back to the status it had before it was suspended, and ``---`` when the action is
refused from that status (409). Changing ``cases/workflow.py`` without changing this table fails
``tests/cases/test_workflow_table.py`` (fast, no database) and ``tests/cases/test_lifecycle.py``
(through the API).
"""

from __future__ import annotations

STATUS_CODES = {
    "RCV": "received",
    "ACC": "accepted",
    "DSP": "dispatched",
    "INP": "in_progress",
    "RET": "returned",
    "SUS": "suspended",
    "RPL": "replied",
    "CLO": "closed",
    "MRG": "merged",
}
STATUSES = tuple(STATUS_CODES.values())
REFUSED, STAY, PREVIOUS = "---", "=", "<-"

# fmt: off
_GRID = {
    #                     RCV  ACC  DSP  INP  RET  SUS  RPL  CLO  MRG
    "accept":            "ACC  ---  ---  ---  ---  ---  ---  ---  ---",
    "answer_directly":   "RPL  RPL  ---  ---  ---  ---  ---  ---  ---",
    "dispatch":          "---  DSP  ---  ---  ---  ---  ---  ---  ---",
    "sign":              "---  ---  INP  ---  ---  ---  ---  ---  ---",
    "handle":            "---  ---  ---  =    ---  ---  ---  ---  ---",
    "reply":             "---  ---  ---  RPL  ---  ---  ---  ---  ---",
    "return":            "---  ---  RET  RET  ---  ---  ---  ---  ---",
    "redispatch":        "---  ---  ---  ---  DSP  ---  ---  ---  ---",
    "reject_return":     "---  ---  ---  ---  DSP  ---  ---  ---  ---",
    "request_extension": "---  ---  =    =    ---  ---  ---  ---  ---",
    "approve_extension": "---  ---  =    =    ---  =    ---  ---  ---",
    "suspend":           "---  SUS  SUS  SUS  ---  ---  ---  ---  ---",
    "resume":            "---  ---  ---  ---  ---  <-   ---  ---  ---",
    "supervise":         "---  =    =    =    =    =    =    ---  ---",
    "rate":              "---  ---  ---  ---  ---  ---  =    ---  ---",
    "close":             "---  ---  ---  ---  ---  ---  CLO  ---  ---",
    "reopen":            "---  ---  ---  ---  ---  ---  DSP  DSP  ---",
    "merge":             "MRG  MRG  MRG  ---  ---  ---  ---  ---  ---",
}

# The permission each action needs and its label on the timeline (zh, en).
PERMISSIONS = {
    "accept":            ("case:accept", "受理", "accept"),
    "answer_directly":   ("case:answer_directly", "直办答复", "answer directly"),
    "dispatch":          ("case:dispatch", "派单", "dispatch"),
    "sign":              ("case:sign", "签收", "sign for"),
    "handle":            ("case:handle", "办理", "record handling of"),
    "reply":             ("case:reply", "答复", "reply to"),
    "return":            ("case:return", "退单", "return"),
    "redispatch":        ("case:review_return", "改派", "re-dispatch"),
    "reject_return":     ("case:review_return", "驳回退单", "reject the return of"),
    "request_extension": ("case:request_extension", "申请延期", "request an extension for"),
    "approve_extension": ("case:approve_extension", "审批延期", "decide the extension of"),
    "suspend":           ("case:suspend", "挂起", "suspend"),
    "resume":            ("case:suspend", "恢复", "resume"),
    "supervise":         ("case:supervise", "督办", "supervise"),
    "rate":              ("case:rate", "回访评价", "rate"),
    "close":             ("case:close", "办结", "close"),
    "reopen":            ("case:reopen", "重办", "reopen"),
    "merge":             ("case:merge", "并单", "merge"),
}
# fmt: on


def _cell(code: str) -> str:
    return STATUS_CODES.get(code, code)


# action -> status -> target status, STAY, PREVIOUS or REFUSED
EXPECTED: dict[str, dict[str, str]] = {
    action: dict(zip(STATUSES, (_cell(c) for c in row.split()), strict=True)) for action, row in _GRID.items()
}
ACTIONS = tuple(EXPECTED)
ALLOWED = [
    (status, action) for action in ACTIONS for status in STATUSES if EXPECTED[action][status] != REFUSED
]
