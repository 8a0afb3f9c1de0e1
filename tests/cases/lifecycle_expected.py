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
    "REV": "reviewing",
    "CLO": "closed",
    "MRG": "merged",
}
STATUSES = tuple(STATUS_CODES.values())
REFUSED, STAY, PREVIOUS = "---", "=", "<-"

# fmt: off
_GRID = {
    #                     RCV  ACC  DSP  INP  RET  SUS  RPL  REV  CLO  MRG
    "accept":            "ACC  ---  ---  ---  ---  ---  ---  ---  ---  ---",
    "answer_directly":   "RPL  RPL  ---  ---  ---  ---  ---  ---  ---  ---",
    "dispatch":          "---  DSP  ---  ---  ---  ---  ---  ---  ---  ---",
    "sign":              "---  ---  INP  ---  ---  ---  ---  ---  ---  ---",
    "handle":            "---  ---  ---  =    ---  ---  ---  ---  ---  ---",
    "co_reply":          "---  ---  =    =    ---  ---  ---  ---  ---  ---",
    "reply":             "---  ---  ---  RPL  ---  ---  ---  ---  ---  ---",
    "return":            "---  ---  RET  RET  ---  ---  ---  ---  ---  ---",
    "redispatch":        "---  ---  ---  ---  DSP  ---  ---  ---  ---  ---",
    "reject_return":     "---  ---  ---  ---  DSP  ---  ---  ---  ---  ---",
    "request_extension": "---  ---  =    =    ---  ---  ---  ---  ---  ---",
    "approve_extension": "---  ---  =    =    ---  =    ---  ---  ---  ---",
    "suspend":           "---  SUS  SUS  SUS  ---  ---  ---  ---  ---  ---",
    "resume":            "---  ---  ---  ---  ---  <-   ---  ---  ---  ---",
    "supervise":         "---  =    =    =    =    =    =    ---  ---  ---",
    "rate":              "---  ---  ---  ---  ---  ---  =    ---  ---  ---",
    "review_reopen":     "---  ---  ---  ---  ---  ---  ---  DSP  ---  ---",
    "review_explain":    "---  ---  ---  ---  ---  ---  ---  CLO  ---  ---",
    "review_appeal":     "---  ---  ---  ---  ---  ---  ---  CLO  ---  ---",
    "close":             "---  ---  ---  ---  ---  ---  CLO  ---  ---  ---",
    "reopen":            "---  ---  ---  ---  ---  ---  ---  ---  DSP  ---",
    "merge":             "MRG  MRG  MRG  ---  ---  ---  ---  ---  ---  ---",
}

# Where a handler may send the case instead of the cell above: a bad (不满意/非常不满意) or
# unresolved rating moves a replied case to 差评复核 (reviewing) instead of leaving it replied.
BRANCHES = {"rate": "reviewing", "answer_directly": "closed"}

# The permission each action needs and its label on the timeline (zh, en).
PERMISSIONS = {
    "accept":            ("case:accept", "受理", "accept"),
    "answer_directly":   ("case:answer_directly", "直办答复", "answer directly"),
    "dispatch":          ("case:dispatch", "派单", "dispatch"),
    "sign":              ("case:sign", "签收", "sign for"),
    "handle":            ("case:handle", "办理", "record handling of"),
    "co_reply":          ("case:handle", "协办回复", "reply as a co-unit on"),
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
    "review_reopen":     ("case:review_rating", "差评复核：督办重办",
                          "reopen under supervision after reviewing the rating of"),
    "review_explain":    ("case:review_rating", "差评复核：解释说明",
                          "close with an explanation after reviewing the rating of"),
    "review_appeal":     ("case:review_rating", "差评复核：申诉成立",
                          "uphold an appeal against the rating of"),
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
