"""Helpers shared by the replay handlers: reading parameters, finding and storing entities."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, NamedTuple, TypeVar

from auditor.events import Event
from auditor.iam.arns import iam_arn, normalize_path, partition_of, root_arn
from auditor.iam.documents import Document
from auditor.iam.model import Group, InstanceProfile, ManagedPolicy, Role, User
from auditor.iam.state import IamState

Named = TypeVar("Named", User, Group, Role, InstanceProfile)
ROOT_USER_NAME = "AWS ROOT USER"


def text(event: Event, key: str) -> str | None:
    """A non-empty string request parameter, else None."""
    request = event.request
    if request:
        value = request.get(key)
        if value.__class__ is str and value:
            return value
    return None


def response_part(event: Event, key: str) -> Mapping[str, Any]:
    """A nested object of ``responseElements`` (empty when absent)."""
    response = event.response
    value = response.get(key) if response else None
    return value if isinstance(value, dict) else {}


def flag(value: object) -> bool | None:
    """A boolean parameter given as a bool or as ``"true"``/``"false"``."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return None


def read_tags(value: object) -> dict[str, str]:
    """Tags given as ``[{key, value}]`` (either key casing) or as a mapping."""
    if isinstance(value, dict):
        return {str(k): str(v) for k, v in value.items()}
    tags: dict[str, str] = {}
    if isinstance(value, list):
        for item in value:
            if isinstance(item, dict):
                key = item.get("key", item.get("Key"))
                if isinstance(key, str):
                    tags[key] = str(item.get("value", item.get("Value", "")))
    return tags


def string_list(value: object) -> list[str]:
    """A list of strings given as a list or a single string."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, str)]
    return []


def require_document(state: IamState, event: Event, key: str = "policyDocument") -> Document:
    """The request's document, or an unparsed placeholder and an anomaly."""
    found = event.documents.get(key)
    if found is None:
        state.note(f"{key} missing from the request")
        return Document(None, None, "missing from the event")
    if found.document is None:
        state.note(f"{key} does not parse: {found.error}")
    # Document.from_text spelled out: one Python call less on every policy event
    return Document(found.document, found.text, found.error)


def partition(event: Event) -> str:
    """The partition of the event's account (from the caller's ARN)."""
    return partition_of(event.actor.arn)


def ensure(
    state: IamState, table: dict[str, Named], kind: type[Named], family: str, name: str
) -> Named:
    """The named entity of the event's account, created "origin unknown" when never seen."""
    event = state.event
    assert event is not None
    account = event.account_id
    by_name = state.names.by_family[family].get(account)  # NameIndex.get, inlined
    arn = by_name.get(name) if by_name is not None else None
    if arn is not None:
        found = table.get(arn)
        if found is not None:
            return found
    arn = iam_arn(family, account, name, "/", partition(event))
    entity = kind(arn, name, "/", account, origin="unknown", origin_event=event.event_id)
    add(state, table, family, entity)
    return entity


def lookup(state: IamState, table: dict[str, Named], family: str, name: str) -> Named | None:
    """The named entity of the event's account, or None."""
    event = state.event
    assert event is not None
    arn = state.names.get(family, event.account_id, name)
    return table.get(arn) if arn is not None else None


class Creation(NamedTuple):
    """Where a ``Create*`` event puts its new entity, and the response's part about it."""

    arn: str
    path: str
    entity_id: str | None
    response: Mapping[str, Any]


def creation(
    event: Event, family: str, name: str, part: str, id_key: str, path: str | None = None
) -> Creation:
    """The new entity's ARN and id from the response's ``part`` (else the ARN that its
    name and path make); the path is the request's unless given."""
    created = response_part(event, part)
    if path is None:
        path = normalize_path(text(event, "path"))
    arn = created.get("arn")
    if not isinstance(arn, str):
        arn = iam_arn(family, event.account_id, name, path, partition(event))
    entity_id = created.get(id_key)
    return Creation(arn, path, entity_id if isinstance(entity_id, str) else None, created)


def replace_existing(
    state: IamState,
    table: dict[str, Named],
    family: str,
    name: str,
    remove: Callable[[IamState, Named], None],
) -> None:
    """Before a ``Create*``: an entity of that name already in the state is noted and removed."""
    existing = lookup(state, table, family, name)
    if existing is not None:
        state.note(f"{family.replace('_', ' ')} {name} already existed in the state; replaced")
        remove(state, existing)


def add(state: IamState, table: dict[str, Named], family: str, entity: Named) -> None:
    """Store a new entity and index its name."""
    table[entity.arn] = entity
    state.names.set(family, entity.account, entity.name, entity.arn)
    if state.journal is not None:
        state.touch(family, entity.arn)


def put(state: IamState, table: dict[str, Named], family: str, entity: Named) -> None:
    """Store a changed entity (same ARN)."""
    table[entity.arn] = entity
    if state.journal is not None:
        state.touch(family, entity.arn)


def drop(state: IamState, table: dict[str, Named], family: str, entity: Named) -> None:
    """Remove an entity and its name."""
    table.pop(entity.arn, None)
    state.names.discard(family, entity.account, entity.name, entity.arn)
    state.touch(family, entity.arn)


def put_policy(state: IamState, policy: ManagedPolicy) -> None:
    """Store a managed policy (customer managed ones are also indexed by name)."""
    state.policies[policy.arn] = policy
    if not policy.aws_managed:
        state.names.set("policy", policy.account, policy.name, policy.arn)
    if state.journal is not None:
        state.touch("policy", policy.arn)


def caller_user(state: IamState, event: Event) -> str | None:
    """The ARN of the caller when it is an IAM user (created if unseen) or the root."""
    actor = event.actor
    if actor.type == "Root":
        return root_arn(event.account_id, partition(event))
    if actor.type == "IAMUser" and actor.user_name:
        return ensure(state, state.users, User, "user", actor.user_name).arn
    return None


def user_or_root(state: IamState, event: Event, name: str | None) -> str | None:
    """The ARN of the named user (root for ``AWS ROOT USER``), else of the calling user."""
    if name == ROOT_USER_NAME:
        return root_arn(event.account_id, partition(event))
    if name:
        return ensure(state, state.users, User, "user", name).arn
    return caller_user(state, event)
