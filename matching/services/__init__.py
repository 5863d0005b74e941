"""Writes of the matching app, one module per entity:

* ``settings``: a program's weights and rules;
* ``runs``: create, retry, re-run, cancel, execute (the worker), reap runs whose worker died;
* ``review``: pin, unpin, forbid, swap, alternatives, statistics of a finished run;
* ``publish``: proposals become mentorships;
* ``suggestions``: mentor suggestions for mentees who choose;
* ``notifications``: the emails (built here, sent by tasks).

``from matching import services`` keeps working: the public functions are re-exported
below. Tests that patch a module's constants patch that module (``services.runs``).
"""

from matching.services.common import BATCH, PROGRAM_GONE, PROPOSAL_GONE, RUN_GONE
from matching.services.publish import PublishResult, match_run_publish
from matching.services.review import (
    Alternative,
    match_run_refresh_stats,
    pair_rule_delete,
    proposal_alternatives,
    proposal_forbid,
    proposal_pin,
    proposal_swap,
    proposal_unpin,
)
from matching.services.runs import (
    ALREADY_ACTIVE,
    match_run_cancel,
    match_run_create,
    match_run_execute,
    match_run_rerun,
    match_run_retry,
    match_runs_reap,
)
from matching.services.settings import matching_settings_update, matching_settings_validate
from matching.services.suggestions import (
    SUGGESTIONS_DEBOUNCE_S,
    SUGGESTIONS_K,
    suggestions_refresh,
    suggestions_schedule_refresh,
)

__all__ = [
    "ALREADY_ACTIVE",
    "BATCH",
    "PROGRAM_GONE",
    "PROPOSAL_GONE",
    "RUN_GONE",
    "SUGGESTIONS_DEBOUNCE_S",
    "SUGGESTIONS_K",
    "Alternative",
    "PublishResult",
    "match_run_cancel",
    "match_run_create",
    "match_run_execute",
    "match_run_publish",
    "match_run_refresh_stats",
    "match_run_rerun",
    "match_run_retry",
    "match_runs_reap",
    "matching_settings_update",
    "matching_settings_validate",
    "pair_rule_delete",
    "proposal_alternatives",
    "proposal_forbid",
    "proposal_pin",
    "proposal_swap",
    "proposal_unpin",
    "suggestions_refresh",
    "suggestions_schedule_refresh",
]
