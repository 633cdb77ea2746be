"""Replay handlers for access keys and MFA devices."""

from __future__ import annotations

from auditor.events import Event
from auditor.iam.arns import iam_arn, normalize_path
from auditor.iam.handlers.common import partition, response_part, text, user_or_root
from auditor.iam.handlers.registry import handles
from auditor.iam.model import AccessKey, MfaDevice, evolve
from auditor.iam.state import IamState


def _link_key(state: IamState, owner: str, key_id: str, present: bool) -> None:
    user = state.users.get(owner)
    if user is None:
        return
    keys = user.access_keys | {key_id} if present else user.access_keys - {key_id}
    if keys != user.access_keys:
        state.users[owner] = evolve(user, access_keys=keys)


def _link_device(state: IamState, owner: str | None, serial: str, present: bool) -> None:
    user = state.users.get(owner) if owner else None
    if user is None:
        return
    devices = user.mfa_devices | {serial} if present else user.mfa_devices - {serial}
    if devices != user.mfa_devices:
        state.users[user.arn] = evolve(user, mfa_devices=devices)


def _key_owner(state: IamState, event: Event, response_user: object = None) -> str | None:
    name = response_user if isinstance(response_user, str) else text(event, "userName")
    return user_or_root(state, event, name)


@handles("CreateAccessKey")
def apply_create_access_key(state: IamState, event: Event) -> None:
    """A new access key for a user (the caller's own when no userName; root's for root)."""
    created = response_part(event, "accessKey")
    key_id = created.get("accessKeyId")
    owner = _key_owner(state, event, created.get("userName"))
    if not isinstance(key_id, str) or owner is None:
        state.note("CreateAccessKey without a key id or an owner")
        return
    status = created.get("status")
    state.access_keys[key_id] = AccessKey(
        key_id,
        owner,
        event.account_id,
        status if isinstance(status, str) else "Active",
        created=event.time,
        origin="event",
        origin_event=event.event_id,
    )
    if state.journal is not None:
        state.touch("access_key", key_id)
    _link_key(state, owner, key_id, True)


@handles("UpdateAccessKey")
def apply_update_access_key(state: IamState, event: Event) -> None:
    """Activate or deactivate a key."""
    key_id, status = text(event, "accessKeyId"), text(event, "status")
    if key_id is None or status is None:
        state.note("UpdateAccessKey without accessKeyId or status")
        return
    key = state.access_keys.get(key_id)
    if key is None:
        owner = _key_owner(state, event)
        if owner is None:
            state.note(f"UpdateAccessKey of {key_id} with no known owner")
            return
        key = AccessKey(
            key_id, owner, event.account_id, origin="unknown", origin_event=event.event_id
        )
        _link_key(state, owner, key_id, True)
    state.access_keys[key_id] = evolve(key, status=status)
    if state.journal is not None:
        state.touch("access_key", key_id)


@handles("DeleteAccessKey")
def apply_delete_access_key(state: IamState, event: Event) -> None:
    """Remove a key."""
    key_id = text(event, "accessKeyId")
    key = state.access_keys.pop(key_id, None) if key_id else None
    if key_id is None or key is None:
        state.note(f"DeleteAccessKey of a key the state does not know: {key_id}")
        return
    state.touch("access_key", key_id)
    _link_key(state, key.user_arn, key_id, False)


@handles("CreateVirtualMFADevice")
def apply_create_virtual_mfa_device(state: IamState, event: Event) -> None:
    """A virtual MFA device, not yet enabled for anyone."""
    device = response_part(event, "virtualMFADevice")
    serial = device.get("serialNumber")
    name = text(event, "virtualMFADeviceName")
    if not isinstance(serial, str):
        if name is None:
            state.note("CreateVirtualMFADevice without a serial number or name")
            return
        path = normalize_path(text(event, "path"))
        serial = iam_arn("mfa", event.account_id, name, path, partition(event))
    state.mfa_devices[serial] = MfaDevice(
        serial, event.account_id, created=event.time, origin="event", origin_event=event.event_id
    )
    state.touch("mfa_device", serial)


@handles("EnableMFADevice")
def apply_enable_mfa_device(state: IamState, event: Event) -> None:
    """Bind an MFA device to a user (or to the root)."""
    serial = text(event, "serialNumber")
    owner = user_or_root(state, event, text(event, "userName"))
    if serial is None or owner is None:
        state.note("EnableMFADevice without serialNumber or user")
        return
    device = state.mfa_devices.get(serial)
    if device is None:
        device = MfaDevice(
            serial,
            event.account_id,
            virtual=serial.startswith("arn:"),
            created=event.time,
            origin="event" if not serial.startswith("arn:") else "unknown",
            origin_event=event.event_id,
        )
    elif device.user_arn not in (None, owner):
        state.note(f"MFA device {serial} was enabled for {device.user_arn} in the state")
        _link_device(state, device.user_arn, serial, False)
    state.mfa_devices[serial] = evolve(device, user_arn=owner)
    state.touch("mfa_device", serial)
    _link_device(state, owner, serial, True)


@handles("DeactivateMFADevice")
def apply_deactivate_mfa_device(state: IamState, event: Event) -> None:
    """Unbind a device; a hardware device then leaves IAM, a virtual one stays."""
    serial = text(event, "serialNumber")
    if serial is None:
        state.note("DeactivateMFADevice without serialNumber")
        return
    device = state.mfa_devices.get(serial)
    owner = user_or_root(state, event, text(event, "userName"))
    if device is None:
        state.note(f"DeactivateMFADevice of a device the state does not know: {serial}")
    elif device.virtual:
        state.mfa_devices[serial] = evolve(device, user_arn=None)
        state.touch("mfa_device", serial)
    else:
        del state.mfa_devices[serial]
        state.touch("mfa_device", serial)
    _link_device(state, owner or (device.user_arn if device else None), serial, False)


@handles("DeleteVirtualMFADevice")
def apply_delete_virtual_mfa_device(state: IamState, event: Event) -> None:
    """Remove a virtual MFA device."""
    serial = text(event, "serialNumber")
    device = state.mfa_devices.pop(serial, None) if serial else None
    if serial is None or device is None:
        state.note(f"DeleteVirtualMFADevice of a device the state does not know: {serial}")
        return
    state.touch("mfa_device", serial)
    if device.user_arn is not None:
        state.note(f"deleted MFA device {serial} was still enabled for {device.user_arn}")
        _link_device(state, device.user_arn, serial, False)
