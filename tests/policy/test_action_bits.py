"""Action sets as bits give exactly what the name-set functions give, on real policies."""

from __future__ import annotations

import random

from auditor.policy.action_bits import ActionIndex
from auditor.policy.actions import ActionCatalog, allowed_actions, load_action_catalog
from auditor.policy.document import PolicyDocument, parse_policy
from auditor.policy.managed import aws_managed_policy_names, lookup_aws_managed_policy


def compact_names(actions: frozenset[str], catalog: ActionCatalog) -> list[str]:
    """The listing spelled out: whole services as ``service:*``, the rest by name."""
    out = set(actions)
    for service in catalog.services():
        every = catalog.expand(f"{service}:*")
        if every and every <= actions:
            out = (out - every) | {f"{service}:*"}
    return sorted(out, key=str.lower)


def _managed_documents() -> list[PolicyDocument]:
    documents = []
    for name in sorted(aws_managed_policy_names()):
        policy = lookup_aws_managed_policy(name)
        if policy is not None and policy.document is not None:
            documents.append(policy.document)
    return documents


def test_allowed_and_compact_match_the_name_sets_on_aws_managed_policies() -> None:
    catalog = load_action_catalog()
    index = ActionIndex(catalog)
    documents = _managed_documents()
    assert len(documents) > 1000
    rng = random.Random(11)
    for _ in range(150):
        before = rng.sample(documents, rng.randrange(0, 3))
        after = rng.sample(documents, rng.randrange(0, 3))
        old, new = allowed_actions(before, catalog), allowed_actions(after, catalog)
        old_bits, new_bits = index.allowed(before), index.allowed(after)
        assert (new_bits - old_bits).size == len(new - old)
        assert index.compact(new_bits - old_bits) == compact_names(new - old, catalog)
        assert index.compact(old_bits - new_bits) == compact_names(old - new, catalog)


def test_unknown_actions_and_denies_are_kept() -> None:
    catalog = load_action_catalog()
    index = ActionIndex(catalog)
    document = parse_policy(
        {
            "Statement": [
                {"Effect": "Allow", "Action": ["s3:*", "new:DoThing", "iam:Get*"], "Resource": "*"},
                {"Effect": "Deny", "Action": "s3:DeleteBucket", "Resource": "*"},
                {"Effect": "Deny", "Action": "iam:GetUser", "Resource": "x", "Condition": {}},
            ]
        }
    )
    assert document is not None
    bits = index.allowed([document])
    names = allowed_actions([document], catalog)
    assert bits.size == len(names)
    assert "new:DoThing" in bits.extra
    assert index.compact(bits) == compact_names(names, catalog)
    assert "s3:*" not in index.compact(bits)
