"""TOTP two-factor for the roles that need it: enrol once, then verify at each sign-in."""

import segno
from django.db import transaction
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from civicdesk.audit.services import audit_record


def totp_device_for(user) -> tuple[TOTPDevice, bool]:
    """(device, is_new_enrolment). An unconfirmed device is kept until its first good code."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        return device, False
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device, True


def enrolment_qr_svg(device: TOTPDevice) -> str:
    return segno.make(device.config_url, error="m").svg_data_uri(scale=4)


@transaction.atomic
def two_factor_verify(*, request, token: str) -> bool:
    user = request.user
    device, enrolling = totp_device_for(user)
    if not device.verify_token(token.strip()):
        audit_record(actor=user, action="auth.two_factor_failed")
        return False
    if enrolling:
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit_record(actor=user, action="auth.two_factor_enrolled")
    otp_login(request, device)
    audit_record(actor=user, action="auth.two_factor_verified")
    return True
