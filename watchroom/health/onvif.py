"""Registering a camera by its ONVIF address alone (issue 6, EQP-1, EQP-3).

The device is asked first (`probe.onvif.fetch`: network I/O, outside any transaction); then, in one
transaction, the camera is created through the sites service with the vendor, model, stream and
snapshot addresses the device gave, its ledger row gets the serial number and firmware, and the
registration is audited (`health.camera_registered_onvif`, with what the device said).
"""

from __future__ import annotations

import ipaddress
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from watchroom.audit import services as audit
from watchroom.lib.errors import DomainError, ValidationFailed
from watchroom.sites import services as site_services
from watchroom.sites.models import Area, Camera, CameraGroup

from .probe import onvif as probe_onvif

ONVIF_TIMEOUT = 8.0


class OnvifUnavailable(DomainError):
    """The device could not be asked (unreachable, unauthorised, timeout, not ONVIF)."""

    code = "onvif_failed"
    status = 502


def _failure_message(code: str) -> str:
    messages = {
        probe_onvif.UNREACHABLE: _("The ONVIF address cannot be reached (connection refused or no route)."),
        probe_onvif.UNAUTHORISED: _("The device refused the user name or password."),
        probe_onvif.TIMEOUT: _("The device did not answer in time."),
        probe_onvif.NOT_FOUND: _("There is no ONVIF service at this address."),
    }
    return messages.get(code, _("The device did not answer as an ONVIF camera."))


def ask_device(address: str, username: str, password: str, *, timeout: float = ONVIF_TIMEOUT) -> Any:
    """What the device at `address` says (an `OnvifDevice`), or `OnvifUnavailable` with the probe
    code (`unreachable`, `unauthorised`, `timeout`, `not_found`, `no_video`) as its `code`."""
    try:
        return probe_onvif.fetch(address, username, password, timeout=timeout)
    except probe_onvif.OnvifFailure as exc:
        raise OnvifUnavailable(_failure_message(exc.code), code=f"onvif_{exc.code}") from exc


def register_camera_by_onvif(
    *,
    address: str,
    username: str,
    password: str,
    number: str,
    name: str,
    area: Area,
    group: CameraGroup | None = None,
    kind: str = Camera.Kind.FIXED,
    actor: Any,
    timeout: float = ONVIF_TIMEOUT,
) -> Camera:
    """Ask the device at `address`, then create the camera with what it said (audited). Nothing is
    created when the device cannot be asked or the sites rules refuse the camera."""
    device = ask_device(address, username, password, timeout=timeout)
    if not device.stream_uri:
        raise OnvifUnavailable(_("The device gave no stream address."), code="onvif_no_stream")
    return _create(device, username, password, number, name, area, group, kind, actor)


@transaction.atomic
def _create(
    device: Any,
    username: str,
    password: str,
    number: str,
    name: str,
    area: Area,
    group: CameraGroup | None,
    kind: str,
    actor: Any,
) -> Camera:
    if Camera.objects.filter(onvif_url=device.device_url).exists():
        raise ValidationFailed(
            _("A camera with this ONVIF address is already registered."), code="onvif_registered"
        )
    try:
        ip = str(ipaddress.ip_address(device.host))
    except ValueError:
        ip = None
    camera = site_services.create_camera(
        actor=actor,
        number=number,
        name=name,
        area=area,
        group=group,
        kind=kind,
        vendor=device.manufacturer[:50],
        model=device.model[:50],
        ip=ip,
        stream_url=device.stream_uri[:300],
        snapshot_url=device.snapshot_uri[:300],
        onvif_url=device.device_url[:300],
        username=username,
        password=password,
        notes=_("Registered by ONVIF: firmware %(firmware)s, serial number %(serial)s.")
        % {"firmware": device.firmware or "-", "serial": device.serial or "-"},
    )
    _ledger(camera, device, actor)
    audit.record(
        actor,
        "health.camera_registered_onvif",
        camera,
        changes={
            "onvif": [None, device.device_url],
            "manufacturer": [None, device.manufacturer],
            "model": [None, device.model],
            "firmware": [None, device.firmware],
            "serial": [None, device.serial],
            "stream_url": [None, device.stream_uri],
            "snapshot_url": [None, device.snapshot_uri],
        },
    )
    return camera


def _ledger(camera: Camera, device: Any, actor: Any) -> None:
    """The camera's equipment-ledger row carries the serial number (unique in the ledger)."""
    from watchroom.equipment import services as equipment
    from watchroom.equipment.models import Device

    row = equipment.ensure_device_for_camera(camera, actor=actor)
    serial = device.serial[:64]
    if serial and Device.objects.filter(serial=serial).exclude(pk=row.pk).exists():
        raise ValidationFailed(
            _("The serial number %(serial)s is already in the equipment ledger.") % {"serial": serial},
            code="serial_taken",
        )
    if serial:
        equipment.update_device(row, actor=actor, serial=serial)
