"""Invitation lifecycle: invite, resend, revoke, accept; and the link that carries it.

The link is /accounts/invitations/<id>/<token>/ where token = HMAC(SECRET_KEY, id:nonce). The nonce is
random and rotated by a resend, so only the newest link works, and a copy of the database alone
cannot produce a working link.
"""

from __future__ import annotations

import logging

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from accounts import activity
from accounts.models import (
    INVITATION_LIFETIME,
    CustomerAccount,
    Invitation,
    InvitationState,
    Membership,
    Role,
    User,
    invitation_new_nonce,
)
from accounts.permissions import role_abilities
from accounts.services import TeamError, activity_record
from notifications.models import OutboxEmail
from notifications.registry import RenderedEmail
from notifications.services import outbox_enqueue

logger = logging.getLogger(__name__)

TOKEN_SALT = "accounts.invitation"
SESSION_KEY = "pending_invitation"


class InvitationError(TeamError):
    """The invitation cannot be used; `reason` says why (an InvitationState or "wrong_email")."""

    def __init__(self, message: str, *, reason: str = ""):
        super().__init__(message)
        self.reason = reason


# --- the link ---------------------------------------------------------------------


def invitation_token(invitation: Invitation) -> str:
    return salted_hmac(TOKEN_SALT, f"{invitation.pk}:{invitation.nonce}", algorithm="sha256").hexdigest()


def invitation_path(invitation: Invitation) -> str:
    return reverse(
        "invitation_accept", kwargs={"invitation_id": invitation.pk, "token": invitation_token(invitation)}
    )


def invitation_url(invitation: Invitation) -> str:
    return settings.SITE_URL.rstrip("/") + invitation_path(invitation)


def invitation_from_link(*, invitation_id: int, token: str) -> Invitation | None:
    """The invitation this link was made for, or None when the link was never valid or was replaced."""
    invitation = Invitation.objects.select_related("account", "invited_by").filter(pk=invitation_id).first()
    if invitation is None or not constant_time_compare(invitation_token(invitation), token or ""):
        return None
    return invitation


# --- sending limit ----------------------------------------------------------------

# Invitation emails go to addresses anyone can type: a cap per account keeps the portal from being
# used to spam. Sends (new and resent) in a rolling hour window, counted in the shared cache.
SENDS_PER_HOUR = 30


def invitation_send_allowed(*, account: CustomerAccount) -> bool:
    """Count one send for the account; False once the hour's quota is used up."""
    from django.core.cache import cache

    key = f"invitation-sends:{account.pk}:{timezone.now():%Y%m%d%H}"
    cache.add(key, 0, timeout=3600)
    try:
        return cache.incr(key) <= SENDS_PER_HOUR
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=3600)
        return True


# --- writes -----------------------------------------------------------------------


def _email_is_member(*, account: CustomerAccount, email: str) -> bool:
    return Membership.objects.filter(account=account, user__email__iexact=email).exists() or (
        EmailAddress.objects.filter(
            email__iexact=email, verified=True, user__memberships__account=account
        ).exists()
    )


INVITATION_EMAIL = "accounts.invitation"


def _enqueue_send(invitation: Invitation) -> None:
    """One outbox row per link sent (a resend makes a new link, hence a new email), sent after commit."""
    outbox_enqueue(
        kind=INVITATION_EMAIL,
        dedupe_key=f"invitation:{invitation.pk}:send-{invitation.send_count}",
        target=invitation,
        params={"send_number": invitation.send_count},
        to=[invitation.email],
        language=invitation.language,
        requested_by=invitation.invited_by,
    )


def invitation_precheck(*, account: CustomerAccount, email: str) -> str | None:
    """Why an invitation to `email` would be refused (a member already, or one pending), before asking
    the user to confirm it; None if it may be sent. invitation_create checks again under the lock."""
    email = email.strip().lower()
    if _email_is_member(account=account, email=email):
        return _("%(email)s is already a member of this account.") % {"email": email}
    pending = Invitation.objects.filter(
        account=account, email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True
    ).first()
    if pending is not None and pending.state == InvitationState.PENDING:
        return _("%(email)s already has a pending invitation. Resend or revoke it from the list below.") % {
            "email": email
        }
    return None


@transaction.atomic
def invitation_create(
    *, actor: User, account: CustomerAccount, email: str, role: str, request=None
) -> Invitation:
    """Invite an address to the account with a role; emailed (in the account's language) once committed.

    An existing member, or an address with a pending invitation, is refused. An address whose
    earlier invitation expired unused gets that invitation renewed with a fresh link.
    """
    email = email.strip().lower()
    role = Role(role)
    CustomerAccount.objects.select_for_update().filter(pk=account.pk).first()
    if _email_is_member(account=account, email=email):
        raise InvitationError(_("%(email)s is already a member of this account.") % {"email": email})
    open_invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .filter(account=account, email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True)
        .first()
    )
    if open_invitation is not None and open_invitation.state == InvitationState.PENDING:
        raise InvitationError(
            _("%(email)s already has a pending invitation. Resend or revoke it from the list below.")
            % {"email": email}
        )
    if open_invitation is not None:  # expired, never used: renew it rather than keep a dead row open
        invitation = open_invitation
        invitation.role = role
        invitation.invited_by = actor
        invitation.language = account.language
        _invitation_renew(invitation)
        invitation.save()
    else:
        try:
            with transaction.atomic():
                invitation = Invitation.objects.create(
                    account=account,
                    email=email,
                    role=role,
                    nonce=invitation_new_nonce(),
                    invited_by=actor,
                    language=account.language,
                )
        except IntegrityError as exc:  # a concurrent identical invite won the race
            raise InvitationError(
                _("%(email)s already has a pending invitation.") % {"email": email}
            ) from exc
    activity_record(
        account=account,
        actor=actor,
        action=activity.INVITATION_SENT,
        params={"email": email, "role": str(role)},
        target=email,
        details={
            "invitation_id": invitation.pk,
            "role": str(role),
            "expires_at": invitation.expires_at.isoformat(),
        },
        request=request,
    )
    _enqueue_send(invitation)
    return invitation


def _invitation_renew(invitation: Invitation) -> None:
    """A new link valid INVITATION_LIFETIME from now; the previous link stops working."""
    invitation.nonce = invitation_new_nonce()
    invitation.expires_at = timezone.now() + INVITATION_LIFETIME
    invitation.send_count += 1


@transaction.atomic
def invitation_resend(*, actor: User, invitation: Invitation, request=None) -> Invitation:
    """Send a fresh link valid 7 more days; the previous link stops working."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.state in (InvitationState.ACCEPTED, InvitationState.REVOKED):
        raise InvitationError(
            _("This invitation was already %(state)s and cannot be sent again.")
            % {"state": invitation.get_state_display().lower()},
            reason=invitation.state,
        )
    _invitation_renew(invitation)
    invitation.save(update_fields=["nonce", "expires_at", "send_count"])
    activity_record(
        account=invitation.account,
        actor=actor,
        action=activity.INVITATION_RESENT,
        params={"email": invitation.email},
        target=invitation.email,
        details={"invitation_id": invitation.pk, "send_number": invitation.send_count},
        request=request,
    )
    _enqueue_send(invitation)
    return invitation


@transaction.atomic
def invitation_revoke(*, actor: User, invitation: Invitation, request=None) -> Invitation:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at:
        raise InvitationError(
            _("%(email)s already accepted this invitation: remove the member instead.")
            % {"email": invitation.email},
            reason=InvitationState.ACCEPTED,
        )
    if invitation.revoked_at:
        return invitation
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    activity_record(
        account=invitation.account,
        actor=actor,
        action=activity.INVITATION_REVOKED,
        params={"email": invitation.email},
        target=invitation.email,
        details={"invitation_id": invitation.pk},
        request=request,
    )
    return invitation


def invitation_refusal(invitation: Invitation) -> InvitationError | None:
    """Why this invitation can no longer be used, with what to do, or None if it can."""
    state = invitation.state
    inviter = invitation.invited_by.email if invitation.invited_by else _("your billing contact")
    if state == InvitationState.ACCEPTED:
        return InvitationError(
            _("This invitation was already used. Sign in with %(email)s to reach the account.")
            % {"email": invitation.email},
            reason=state,
        )
    if state == InvitationState.REVOKED:
        return InvitationError(
            _("This invitation was withdrawn by the account. Ask %(inviter)s if you still need access.")
            % {"inviter": inviter},
            reason=state,
        )
    if state == InvitationState.EXPIRED:
        return InvitationError(
            _("This invitation expired on %(date)s. Ask %(inviter)s to send you a new one.")
            % {"date": invitation.expires_at.date().isoformat(), "inviter": inviter},
            reason=state,
        )
    return None


def user_has_verified_email(*, user: User, email: str) -> bool:
    return EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists()


@transaction.atomic
def invitation_accept(*, invitation_id: int, token: str, user: User, request=None) -> Membership:
    """Turn the invitation into a membership, once, for the person who verified the invited address."""
    invitation = Invitation.objects.select_for_update().filter(pk=invitation_id).first()
    if invitation is None or not constant_time_compare(invitation_token(invitation), token or ""):
        raise InvitationError(_("This invitation link is not valid."), reason="invalid")
    refusal = invitation_refusal(invitation)
    if refusal is not None:
        raise refusal
    if not user_has_verified_email(user=user, email=invitation.email):
        raise InvitationError(
            _(
                "This invitation is for %(email)s. Sign in with that address, or add it to your "
                "sign-in and verify it, then open the link again."
            )
            % {"email": invitation.email},
            reason="wrong_email",
        )
    membership, created = Membership.objects.get_or_create(
        user=user,
        account=invitation.account,
        defaults={"role": invitation.role, "invited_by": invitation.invited_by},
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    if hasattr(user, "_role_cache"):
        del user._role_cache
    activity_record(
        account=invitation.account,
        actor=user,
        action=activity.INVITATION_ACCEPTED,
        params={"person": user.email, "role": str(membership.role)},
        target=invitation.email,
        details={"invitation_id": invitation.pk, "role": membership.role, "already_member": not created},
        request=request,
    )
    return membership


# --- the link kept across sign-up / sign-in -------------------------------------------


# --- the email ----------------------------------------------------------------------


def invitation_email_build(email: OutboxEmail) -> RenderedEmail | None:
    """The outbox builder of the invitation email, in the invitation's language.

    Nothing is sent for an invitation revoked, accepted or already resent (a newer link exists) meanwhile.
    """
    invitation = Invitation.objects.select_related("account", "invited_by").filter(pk=email.target_id).first()
    if invitation is None or invitation.send_count != email.params.get("send_number"):
        return None
    if invitation.state != InvitationState.PENDING:
        return None
    context = {
        "invitation": invitation,
        "account": invitation.account,
        "inviter": invitation.invited_by,
        "role_label": invitation.get_role_display(),
        "abilities": role_abilities(invitation.role),
        "url": invitation_url(invitation),
        "support_email": settings.BILLING_SUPPORT_EMAIL,
    }
    subject = render_to_string("emails/accounts/invitation_subject.txt", context).strip()
    return RenderedEmail(
        subject=f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{subject}",
        text=render_to_string("emails/accounts/invitation_body.txt", context),
        html=render_to_string("emails/accounts/invitation_body.html", context),
        to=[invitation.email],
    )
