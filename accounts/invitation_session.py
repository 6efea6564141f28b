"""The invitation link kept in the session across sign-up and sign-in, then accepted once signed in."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from accounts.invitations import SESSION_KEY, InvitationError, invitation_accept
from accounts.models import (
    Invitation,
    Membership,
    User,
)


@dataclass(frozen=True)
class PendingInvitation:
    invitation_id: int
    token: str


def pending_invitation_store(request, *, invitation: Invitation, token: str) -> None:
    request.session[SESSION_KEY] = {"id": invitation.pk, "token": token}


def pending_invitation_get(request) -> PendingInvitation | None:
    data = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    if not isinstance(data, dict):
        return None
    try:
        return PendingInvitation(invitation_id=int(data["id"]), token=str(data["token"]))
    except (KeyError, TypeError, ValueError):
        return None


def pending_invitation_finish(request, *, user: User) -> Membership | None:
    """After sign-in, sign-up or an address verification: accept the invitation the person came with.

    Returns the membership, or None (no pending invitation, or not yet possible: the reason is
    left as a message and, for a not-yet-verified address, the invitation stays pending in the session).
    """
    from django.contrib import messages

    from accounts.middleware import SESSION_KEY as CURRENT_ACCOUNT_KEY

    pending = pending_invitation_get(request)
    if pending is None:
        return None
    try:
        membership = invitation_accept(
            invitation_id=pending.invitation_id, token=pending.token, user=user, request=request
        )
    except InvitationError as error:
        if error.reason != "wrong_email":
            request.session.pop(SESSION_KEY, None)
        messages.warning(request, str(error))
        return None
    request.session.pop(SESSION_KEY, None)
    request.session[CURRENT_ACCOUNT_KEY] = membership.account_id
    messages.success(
        request,
        _("You joined %(account)s as %(role)s.")
        % {"account": membership.account.legal_name, "role": membership.get_role_display().lower()},
    )
    return membership
