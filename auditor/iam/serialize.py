"""The JSON form of an ``IamState`` (stored snapshots), and back.

Documents are written once in a shared ``documents`` list and referenced by index, so
a policy attached or copied to many entities costs its size once. Reading goes through
``auditor.iam.typed_rows`` (msgspec, typed); the field-by-field reader here takes the
snapshots whose rows do not fit the model's types.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

import orjson

from auditor.iam.documents import Document
from auditor.iam.gc_pause import paused_gc
from auditor.iam.model import (
    EMPTY,
    NO_DOCS,
    Entity,
    LoginProfile,
    PolicyVersion,
    build,
)
from auditor.iam.names import NAMED_FAMILIES
from auditor.iam.state import FAMILIES, FAMILY_TYPES, KEY_FIELDS, IamState
from auditor.iam.typed_rows import add_activity, decode_activity, decode_declared

SNAPSHOT_FORMAT = 2
_SETS = frozenset(
    {
        "groups",
        "attached",
        "members",
        "access_keys",
        "mfa_devices",
        "instance_profiles",
        "roles",
        "client_ids",
        "thumbprints",
    }
)


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _read_time(value: object) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) else None


def _plan(kind: type[Any]) -> list[tuple[int, str]]:
    """The fields of an entity type that are not stored as they are."""
    plain = {"arn", "name", "path", "account", "key_id", "user_arn", "serial", "kind", "url"}
    plain |= {"entity_id", "origin", "origin_event", "status", "virtual", "alias"}
    plain |= {"boundary", "description", "max_session_duration", "service_linked"}
    plain |= {"default_version", "aws_managed", "metadata_sha256"}
    fields: tuple[str, ...] = kind._fields
    return [(i, name) for i, name in enumerate(fields) if name not in plain]


class _Writer:
    def __init__(self) -> None:
        self.documents: list[Any] = []
        self._index: dict[bytes, int] = {}
        self._by_id: dict[int, int] = {}
        self._plans = {kind: _plan(kind) for kind in FAMILY_TYPES.values()}

    def document(self, doc: Document | None) -> int | None:
        if doc is None:
            return None
        found = self._by_id.get(id(doc))
        if found is None:
            found = self._by_id[id(doc)] = self._add(doc)
        return found

    def _add(self, doc: Document) -> int:
        payload = [doc.to_json(), doc.error]
        key = orjson.dumps(payload, option=orjson.OPT_SORT_KEYS)
        found = self._index.get(key)
        if found is None:
            found = self._index[key] = len(self.documents)
            self.documents.append(payload)
        return found

    def field(self, name: str, value: Any) -> Any:
        if value is None or isinstance(value, str | bool | int):
            return value
        if name in _SETS:
            return sorted(value)
        if isinstance(value, datetime):
            return value.isoformat()
        if isinstance(value, Document):
            return self.document(value)
        if name == "inline":
            return {key: self.document(doc) for key, doc in value.items()}
        if name == "versions":
            return {key: [self.document(v.document), _time(v.created)] for key, v in value.items()}
        if name == "login_profile":
            return [_time(value.created), value.password_reset_required]
        return dict(value)

    def entity(self, entity: Entity) -> list[Any]:
        values: list[Any] = list(entity)
        for index, name in self._plans[type(entity)]:
            value = values[index]
            if value:
                values[index] = self.field(name, value)
            elif value is not None:
                values[index] = [] if name in _SETS else {}
        return values


def state_to_json(state: IamState) -> dict[str, Any]:
    """The snapshot form of a state (JSON-compatible)."""
    return {**declared_to_json(state), **activity_to_json(state)}


def declared_to_json(state: IamState) -> dict[str, Any]:
    """The declared part of the snapshot form: entities and their documents."""
    writer = _Writer()
    tables = {
        family: [writer.entity(entity) for entity in state.table(family).values()]
        for family in FAMILIES
    }
    return {
        "format": SNAPSHOT_FORMAT,
        "at": _time(state.at),
        "baseline_at": {account: t.isoformat() for account, t in state.baseline_at.items()},
        "documents": writer.documents,
        "entities": tables,
        "name_exceptions": state.names.exceptions(
            {family: state.table(family) for family in NAMED_FAMILIES}
        ),
    }


def activity_to_json(state: IamState) -> dict[str, Any]:
    """The observed part of the snapshot form: assumptions, sign-ins, replay anomalies.

    Caller and role ARNs of assumptions are written once in ``principals`` and referenced
    by index: a busy account has hundreds of thousands of pairs over far fewer ARNs. Most
    pairs were seen once: their last time is written as null, meaning the first.
    """
    principals = sorted({arn for pair in state.assumptions for arn in pair})
    index = {arn: position for position, arn in enumerate(principals)}
    return {
        "principals": principals,
        "assumptions": [
            [
                index[caller],
                index[role],
                a.times,
                a.first.isoformat(),
                a.last.isoformat() if a.last != a.first else None,
                a.last_event,
            ]
            for (caller, role), a in state.assumptions.items()
        ],
        "sign_ins": [
            [who, s.successes, s.failures, _time(s.first), _time(s.last), s.last_event, s.last_mfa]
            for who, s in state.sign_ins.items()
        ],
        "anomalies": [[a.event_id, _time(a.time), a.event_name, a.reason] for a in state.anomalies],
    }


def state_to_bytes(state: IamState) -> bytes:
    """The snapshot as compact JSON bytes."""
    with paused_gc():
        return orjson.dumps(state_to_json(state))


def state_to_parts(state: IamState) -> tuple[bytes, bytes]:
    """The snapshot as two JSON documents: declared state, then observed activity.

    Stored apart, a reader that needs only the declared state (a diff) skips the
    activity, which in a busy account is most of the snapshot (caller-role pairs).
    """
    with paused_gc():
        return orjson.dumps(declared_to_json(state)), orjson.dumps(activity_to_json(state))


class _Reader:
    def __init__(self, documents: list[Any]) -> None:
        self.documents = [Document.stored(raw, err) for raw, err in documents]
        self._plans = {kind: self._plan(kind) for kind in FAMILY_TYPES.values()}

    def _plan(self, kind: type[Any]) -> tuple[list[int], list[tuple[int, Callable[[Any], Any]]]]:
        """The indexes of set fields, and the other fields that convert (when not None)."""
        stored = _plan(kind)
        sets = [index for index, name in stored if name in _SETS]
        converted = [(index, self._converter(name)) for index, name in stored]
        return sets, [(index, convert) for index, convert in converted if convert is not None]

    def _converter(self, name: str) -> Callable[[Any], Any] | None:
        if name in _SETS:
            return None  # converted inline: they are the most common fields
        if name == "created":
            return _read_time
        if name == "trust":
            return self.document
        if name == "inline":
            return lambda value: (
                {key: self.document(index) for key, index in value.items()} if value else NO_DOCS
            )
        if name == "versions":
            return lambda value: {
                key: build(PolicyVersion, (key, self.document(doc), _read_time(created)))
                for key, (doc, created) in value.items()
            }
        if name == "login_profile":
            return lambda value: build(LoginProfile, (_read_time(value[0]), value[1]))
        return None  # stored as it is (tags, password policy)

    def document(self, index: object) -> Document | None:
        return self.documents[index] if isinstance(index, int) else None

    def table(self, family: str, rows: list[list[Any]], state: IamState) -> None:
        """Rebuild one family's entities from their stored rows (the rows are reused)."""
        kind = FAMILY_TYPES[family]
        sets, converters = self._plans[kind]
        key_at = kind._fields.index(KEY_FIELDS.get(family, "arn"))
        table = state.writable(family)
        for values in rows:
            for index in sets:
                value = values[index]
                values[index] = frozenset(value) if value else EMPTY
            for index, convert in converters:
                value = values[index]
                if value is not None:
                    values[index] = convert(value)
            table[str(values[key_at])] = build(kind, values)
        if family in NAMED_FAMILIES:
            state.names.index_table(family, table)


def state_from_json(data: Mapping[str, Any]) -> IamState:
    """Rebuild a state from its snapshot form."""
    reader = _Reader(data.get("documents", []))
    state = IamState()
    entities = data.get("entities", {})
    for family in FAMILIES:
        reader.table(family, entities.get(family, []), state)
    state.names.apply(data.get("name_exceptions", []))
    state.baseline_at = {
        account: datetime.fromisoformat(time)
        for account, time in data.get("baseline_at", {}).items()
    }
    state.at = _read_time(data.get("at"))
    add_activity(decode_activity(data), state)
    return state


def state_from_bytes(payload: bytes, activity: bytes | None = None) -> IamState:
    """Rebuild a state from ``state_to_bytes`` output, or from ``state_to_parts`` output.

    With the declared part alone, the state has no assumptions, sign-ins or anomalies.
    """
    with paused_gc():
        state = decode_declared(payload, SNAPSHOT_FORMAT)
        if state is None:  # not a snapshot, or rows that do not fit the model's types
            data = orjson.loads(payload)
            if not isinstance(data, dict) or data.get("format") != SNAPSHOT_FORMAT:
                raise ValueError("not an IAM state snapshot of a known format")
            state = state_from_json(data)
        if activity is not None:
            add_activity(decode_activity(activity), state)
        return state
