from allauth.account.internal.flows.login import record_authentication
from allauth.account.signals import email_changed, email_confirmed, user_logged_in, user_signed_up
from allauth.mfa.models import Authenticator
from allauth.mfa.signals import authenticator_added
from django.dispatch import receiver

from accounts import contact_services, invitation_session, services
from accounts.middleware import current_account_of


@receiver(email_confirmed)
def claim_accounts_on_email_confirmed(request, email_address, **kwargs):
    services.accounts_claim_by_contract_email(
        user=email_address.user, email=email_address.email, request=request
    )


@receiver(user_signed_up)
def claim_accounts_on_verified_sign_up(request, user, **kwargs):
    """An address verified at sign-up (through an invitation link) sends no email_confirmed: claim here."""
    from allauth.account.models import EmailAddress

    for address in EmailAddress.objects.filter(user=user, verified=True):
        services.accounts_claim_by_contract_email(user=user, email=address.email, request=request)


@receiver(user_logged_in)
def finish_invitation_on_sign_in(request, user, **kwargs):
    """Someone who opened an invitation link, then signed in or up: they join the account now.

    Connected before record_sign_in, so this first sign-in is logged on the account just joined too.
    """
    if request is not None:
        invitation_session.pending_invitation_finish(request, user=user)


@receiver(user_logged_in)
def record_sign_in(request, user, **kwargs):
    """A sign-in is logged on the account the user works in, not on every account they belong to.

    Members of the user's other accounts (another company) have no business knowing when they sign in.
    """
    account = current_account_of(user=user, session=getattr(request, "session", None))
    if account is not None:
        services.activity_record(
            account=account,
            actor=user,
            action="auth.signed_in",
            params={"person": user.email},
            request=request,
        )


@receiver(email_confirmed)
def finish_invitation_on_email_confirmed(request, email_address, **kwargs):
    """The invited address was added to an existing sign-in and just verified."""
    if request is not None and getattr(request, "user", None) == email_address.user:
        invitation_session.pending_invitation_finish(request, user=email_address.user)


@receiver(email_changed)
def move_billing_contact_email(request, user, from_email_address, to_email_address, **kwargs):
    """A billing contact made a newly verified address primary: invoice emails follow it."""
    if to_email_address is None or not to_email_address.verified or from_email_address is None:
        return
    contact_services.billing_contact_email_sync(
        user=user, old_email=from_email_address.email, new_email=to_email_address.email, request=request
    )


@receiver(authenticator_added)
def record_totp_enrolment(request, user, authenticator, **kwargs):
    """Enrolling TOTP proves the code works: the session counts as having passed it, so a staff member
    who just enrolled reaches the admin without typing a second code (accounts.middleware)."""
    if request is not None and authenticator.type == Authenticator.Type.TOTP:
        # allauth's own record of the methods used in the session (internal module, public behaviour:
        # allauth.account.authentication.get_authentication_records reads it).
        record_authentication(request, user, "mfa", type="totp", enrolled=True)
