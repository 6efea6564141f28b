from __future__ import annotations

from celery import shared_task

from accounts import invitations
from core.tasks import TRANSIENT_EMAIL_ERRORS


@shared_task(
    acks_late=True,
    autoretry_for=TRANSIENT_EMAIL_ERRORS,
    retry_backoff=True,
    max_retries=5,
)
def invitation_send_email(invitation_id: int, send_number: int) -> bool:
    """Email an invitation link; safe to run twice (InvitationDelivery makes the second run a no-op)."""
    return invitations.invitation_email_send(invitation_id=invitation_id, send_number=send_number)
