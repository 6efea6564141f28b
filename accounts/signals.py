from allauth.account.signals import email_confirmed, user_logged_in
from django.dispatch import receiver

from accounts import services


@receiver(email_confirmed)
def claim_accounts_on_email_confirmed(request, email_address, **kwargs):
    services.accounts_claim_by_contract_email(
        user=email_address.user, email=email_address.email, request=request
    )


@receiver(user_logged_in)
def record_sign_in(request, user, **kwargs):
    from accounts.selectors import accounts_for_user

    for account in accounts_for_user(user=user):
        services.activity_record(
            account=account,
            actor=user,
            action="auth.signed_in",
            summary=f"{user.email} signed in",
            request=request,
        )
