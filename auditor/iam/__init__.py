"""IAM state: the model, replay of CloudTrail events, baselines, snapshots, diff and graph.

The entry points other stages call:

* ``state_at(store, t)`` — the state at an instant (baseline + snapshot + events);
* ``save_snapshot(store, state, t)`` — store a state for faster ``state_at`` later;
* ``diff_between(store, t_from, t_to, settings)`` and
  ``compute_changes(state_a, state_b, events)`` — ``Change`` objects with their evidence;
* ``effective_actions``, ``who_can_assume``, ``paths_to_admin`` — queries for checks;
* ``auditor.iam.graph.render_graph`` — GraphML, JSON or DOT (imports networkx).
"""

from auditor.iam.diff import compute_changes
from auditor.iam.history import diff_between, import_baseline, save_snapshot, state_at
from auditor.iam.permissions import EffectiveActions, effective_actions
from auditor.iam.reach import AssumePath, paths_to_admin, who_can_assume
from auditor.iam.replay import apply_events, replay
from auditor.iam.state import IamState

__all__ = [
    "AssumePath",
    "EffectiveActions",
    "IamState",
    "apply_events",
    "compute_changes",
    "diff_between",
    "effective_actions",
    "import_baseline",
    "paths_to_admin",
    "replay",
    "save_snapshot",
    "state_at",
    "who_can_assume",
]
