from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlencode

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from accounts import invitation_session, invitations, selectors, services
from accounts.decorators import account_required
from accounts.forms import InviteForm, RoleChangeForm
from accounts.middleware import SESSION_KEY
from accounts.models import Role, User
from accounts.permissions import ROLE_ABILITIES, role_abilities
from accounts.refusals import refusal
from accounts.selectors import account_for_user

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise


@login_required
@require_POST
def account_switch(request):
    """Make another of the user's accounts the current one (404 for an account they don't belong to)."""
    try:
        account_id = int(request.POST.get("account", ""))
    except ValueError:
        account_id = 0
    account = account_for_user(user=request.user, account_id=account_id)
    request.session[SESSION_KEY] = account.pk
    messages.success(request, _("You are now working on %(account)s.") % {"account": account.legal_name})
    next_url = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "dashboard"
    return redirect(next_url)


# --- helpers shared by the team, contacts and activity pages ------------------------

TOO_MANY_SENDS = gettext_lazy(
    "Too many invitations were sent from this account in the last hour. Try again later."
)


def roles_with_abilities() -> list[tuple[str, StrPromise, StrPromise]]:
    return [(role.value, role.label, ROLE_ABILITIES[role]) for role in Role]


def forbidden(request, *, account, what: str):
    """403 with a page saying what the role allows and naming who can do it, instead of a bare error."""
    return refusal(request, what=what)


def require_perm(request, perm: str, account) -> None:
    if not request.user.has_perm(perm, account):
        raise PermissionDenied


def confirm_page(request, *, title: str, message: str, action_url: str, button: str, **extra):
    """The no-JavaScript confirmation step: the same POST again, with confirmed=1."""
    context = {
        "title": title,
        "message": message,
        "action_url": action_url,
        "button": button,
        "cancel_url": reverse("team"),
        "danger": False,
        "hidden": {},
        "abilities": "",
        **extra,
    }
    return render(request, "accounts/confirm.html", context)


def is_confirmed(request) -> bool:
    return request.method == "POST" and request.POST.get("confirmed") == "1"


# --- team page ---------------------------------------------------------------------


@account_required
def team(request):
    account = request.account
    if not request.user.has_perm("accounts.manage_team", account):
        return forbidden(request, account=account, what=_("Only a billing contact can manage the team."))
    members = list(selectors.team_members(account=account))
    return render(
        request,
        "accounts/team.html",
        {
            "account": account,
            "members": members,
            "billing_contact_count": sum(1 for m in members if m.role == Role.BILLING_CONTACT),
            "invitations": selectors.team_open_invitations(account=account),
            "form": InviteForm(),
            "roles": roles_with_abilities(),
            "tab": "team",
        },
    )


@account_required
@require_http_methods(["GET", "POST"])
def team_invite(request):
    account = request.account
    require_perm(request, "accounts.manage_team", account)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email, role = form.cleaned_data["email"], form.cleaned_data["role"]
        refusal_reason = invitations.invitation_precheck(account=account, email=email)
        if refusal_reason:  # said before the confirmation step, not after it
            form.add_error("email", refusal_reason)
            return _invite_page(request, account, form)
        if not is_confirmed(request):
            return confirm_page(
                request,
                title=_("Send this invitation?"),
                message=_("%(email)s will be invited to %(account)s as %(role)s.")
                % {"email": email, "account": account.legal_name, "role": Role(role).label},
                abilities=role_abilities(role),
                action_url=reverse("team_invite"),
                button=_("Send invitation"),
                hidden={"email": email, "role": role},
                note=_("The link works once and expires in 7 days."),
            )
        try:
            if not invitations.invitation_send_allowed(account=account):
                raise invitations.InvitationError(str(TOO_MANY_SENDS))
            invitations.invitation_create(
                actor=request.user, account=account, email=email, role=role, request=request
            )
        except invitations.InvitationError as error:
            form.add_error("email", str(error))
        else:
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": email})
            return redirect("team")
    return _invite_page(request, account, form)


def _invite_page(request, account, form):
    return render(
        request,
        "accounts/invite.html",
        {"account": account, "form": form, "roles": roles_with_abilities(), "tab": "team"},
        status=200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def team_member_role(request, membership_id: int):
    membership = selectors.team_membership_for_user(user=request.user, membership_id=membership_id)
    require_perm(request, "accounts.manage_team", membership.account)
    form = RoleChangeForm(request.POST or None, initial={"role": membership.role})
    if request.method == "POST" and form.is_valid():
        role = form.cleaned_data["role"]
        if role == membership.role:
            messages.info(request, _("%(email)s already has this role.") % {"email": membership.user.email})
            return redirect("team")
        if not is_confirmed(request):
            return confirm_page(
                request,
                title=_("Change this role?"),
                message=_("%(email)s will become %(role)s (now %(current)s).")
                % {
                    "email": membership.user.email,
                    "role": Role(role).label,
                    "current": membership.get_role_display(),
                },
                abilities=role_abilities(role),
                action_url=reverse("team_member_role", args=[membership.pk]),
                button=_("Change role"),
                hidden={"role": role},
            )
        try:
            services.membership_role_change(
                actor=request.user, membership=membership, role=role, request=request
            )
        except services.TeamError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("%(email)s is now %(role)s.") % {"email": membership.user.email, "role": Role(role).label},
            )
            if membership.user_id == request.user.pk:
                return redirect("dashboard")  # they no longer manage the team
        return redirect("team")
    return render(
        request,
        "accounts/member_role.html",
        {"membership": membership, "form": form, "roles": roles_with_abilities(), "tab": "team"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def team_member_remove(request, membership_id: int):
    membership = selectors.team_membership_for_user(user=request.user, membership_id=membership_id)
    require_perm(request, "accounts.manage_team", membership.account)
    if not is_confirmed(request):
        return confirm_page(
            request,
            title=_("Remove this member?"),
            message=_(
                "%(email)s will lose access to %(account)s: they will no longer see its invoices, "
                "payments or documents. You can invite them again later."
            )
            % {"email": membership.user.email, "account": membership.account.legal_name},
            action_url=reverse("team_member_remove", args=[membership.pk]),
            button=_("Remove member"),
            danger=True,
        )
    try:
        services.membership_remove(actor=request.user, membership=membership, request=request)
    except services.TeamError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("%(email)s was removed from the team.") % {"email": membership.user.email}
        )
    if membership.user_id == request.user.pk:
        return redirect("dashboard")
    return redirect("team")


def _invitation_action(request, invitation_id: int, *, confirm, run, success):
    """Resend or revoke an open invitation: confirm first (no JavaScript needed), then run and report."""
    invitation = selectors.team_invitation_for_user(user=request.user, invitation_id=invitation_id)
    require_perm(request, "accounts.manage_team", invitation.account)
    if not is_confirmed(request):
        return confirm_page(request, **confirm(invitation))
    try:
        run(invitation)
    except invitations.InvitationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, success(invitation))
    return redirect("team")


def _invitation_resend(request, invitation) -> None:
    if not invitations.invitation_send_allowed(account=invitation.account):
        raise invitations.InvitationError(str(TOO_MANY_SENDS))
    invitations.invitation_resend(actor=request.user, invitation=invitation, request=request)


@login_required
@require_http_methods(["GET", "POST"])
def team_invitation_resend(request, invitation_id: int):
    return _invitation_action(
        request,
        invitation_id,
        confirm=lambda invitation: {
            "title": _("Send the invitation again?"),
            "message": _(
                "%(email)s will receive a new link, valid 7 days, to join as %(role)s. The previous link stops working."
            )
            % {"email": invitation.email, "role": invitation.get_role_display()},
            "abilities": role_abilities(invitation.role),
            "action_url": reverse("team_invitation_resend", args=[invitation.pk]),
            "button": _("Send again"),
        },
        run=lambda invitation: _invitation_resend(request, invitation),
        success=lambda invitation: _("A new link was sent to %(email)s.") % {"email": invitation.email},
    )


@login_required
@require_http_methods(["GET", "POST"])
def team_invitation_revoke(request, invitation_id: int):
    return _invitation_action(
        request,
        invitation_id,
        confirm=lambda invitation: {
            "title": _("Revoke this invitation?"),
            "message": _("The link sent to %(email)s will stop working; they will not get access.")
            % {"email": invitation.email},
            "action_url": reverse("team_invitation_revoke", args=[invitation.pk]),
            "button": _("Revoke invitation"),
            "danger": True,
        },
        run=lambda invitation: invitations.invitation_revoke(
            actor=request.user, invitation=invitation, request=request
        ),
        success=lambda invitation: (
            _("The invitation for %(email)s was revoked.") % {"email": invitation.email}
        ),
    )


# --- accepting an invitation (the emailed link; works signed in or not) --------------------


@require_http_methods(["GET", "POST"])
def invitation_accept(request, invitation_id: int, token: str):
    invitation = invitations.invitation_from_link(invitation_id=invitation_id, token=token)
    context = {"invitation": invitation, "support_email": settings.BILLING_SUPPORT_EMAIL}
    if invitation is None:
        return render(request, "accounts/invitation_invalid.html", context, status=404)
    refusal = invitations.invitation_refusal(invitation)
    if refusal is not None:
        return render(
            request, "accounts/invitation_invalid.html", {**context, "refusal": refusal}, status=410
        )
    context.update(role_label=invitation.get_role_display(), abilities=role_abilities(invitation.role))
    user = request.user
    if not user.is_authenticated:
        # Kept for after sign-in / sign-up (accounts.signals finishes it). Signing up with the invited
        # address through this link counts as verified: the person proved they read that mailbox.
        invitation_session.pending_invitation_store(request, invitation=invitation, token=token)
        get_adapter(request).stash_verified_email(request, invitation.email)
        has_sign_in = User.objects.filter(email__iexact=invitation.email).exists()
        return render(
            request,
            "accounts/invitation_accept.html",
            {
                **context,
                "has_sign_in": has_sign_in,
                "signup_url": f"{reverse('account_signup')}?{urlencode({'email': invitation.email})}",
            },
        )
    if not invitations.user_has_verified_email(user=user, email=invitation.email):
        invitation_session.pending_invitation_store(request, invitation=invitation, token=token)
        return render(request, "accounts/invitation_accept.html", {**context, "wrong_email": True})
    if request.method == "POST":
        try:
            membership = invitations.invitation_accept(
                invitation_id=invitation.pk, token=token, user=user, request=request
            )
        except invitations.InvitationError as error:
            return render(
                request, "accounts/invitation_invalid.html", {**context, "refusal": error}, status=410
            )
        request.session.pop(invitations.SESSION_KEY, None)
        request.session[SESSION_KEY] = membership.account_id
        messages.success(
            request,
            _("You joined %(account)s as %(role)s.")
            % {"account": membership.account.legal_name, "role": membership.get_role_display().lower()},
        )
        return redirect("dashboard")
    return render(request, "accounts/invitation_accept.html", {**context, "can_accept": True})
