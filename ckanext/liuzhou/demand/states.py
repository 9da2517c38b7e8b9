"""The demand list's state machine (《政务数据共享条例》, sharing chapter: the demand route and
the settling of disputes by the sharing authority; docs/demand.md).

::

    submitted ──route (Operator)──▶ routed ──answer: an entry──▶ met
        ▲                              │ └──answer: a reason code──▶ refused
        └──answer: not_our_duty ───────┘
    routed ──answer: not_our_duty (a second department)──▶ disputed ──route (Authority)──▶ routed

A department files a need (``submitted``); the Operator routes it to the department that
holds the data (``routed``). That department answers within ``ANSWER_WORKDAYS`` working days
(``ckanext.liuzhou.demand.answer_workdays``, day 0 = the day it was routed): it points to a
catalog entry (``met``: a share request on that entry is filed in the same step when the entry
is conditional or not shared), or says why not with a reason code (``refused``). A department
that says the data is not its duty sends the need back to the Operator; when a second
department says so too, the Authority decides which one answers (``disputed``), and the
department it names may no longer say so.
"""
from __future__ import annotations

import ckan.plugins.toolkit as tk

SUBMITTED, ROUTED, DISPUTED, MET, REFUSED = "submitted", "routed", "disputed", "met", "refused"
STATES = (SUBMITTED, ROUTED, DISPUTED, MET, REFUSED)
FINAL = frozenset({MET, REFUSED})
OPEN = frozenset(STATES) - FINAL

# the reason a provider may give instead of an entry; ``not_our_duty`` returns the need
NOT_OUR_DUTY = "not_our_duty"
REASONS = (
    NOT_OUR_DUTY,           # 不属于本部门职责
    "not_collected",        # 本部门未采集该数据
    "legal_prohibition",    # 法律、行政法规禁止共享
    "security",             # 涉及国家秘密或安全
    "beyond_necessity",     # 超出履职所需的必要范围
    "under_construction",   # 数据尚在建设，暂不具备共享条件
    "other",                # 其他
)

# the answers of demand_answer
ENTRY, REFUSE = "entry", "refuse"
ANSWERS = (ENTRY, REFUSE)

# event → states it may start from
TRANSITIONS: dict[str, frozenset[str]] = {
    "route": frozenset({SUBMITTED}),
    "decide": frozenset({DISPUTED}),
    "answer": frozenset({ROUTED}),
}

# how many departments saying "not our duty" make a dispute for the Authority
DISPUTE_AFTER = 2


def check(event: str, state: str) -> None:
    """Refuse an illegal transition with a ValidationError naming the state."""
    if state not in TRANSITIONS[event]:
        raise tk.ValidationError({"state": [tk._(
            "Cannot {event} this need: it is {state} (allowed only when {allowed})").format(
                event=event, state=state, allowed=", ".join(sorted(TRANSITIONS[event])))]})
