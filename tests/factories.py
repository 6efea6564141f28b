"""factory-boy factories for the accounts app; each app keeps its own in tests/<app>/factories.py."""

import factory
from allauth.account.models import EmailAddress

from accounts.models import CustomerAccount, Membership, Role, User

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)
        if create:
            self.save()


class CustomerAccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CustomerAccount

    customer_number = factory.Sequence(lambda n: f"C-{900000 + n}")
    legal_name = factory.Sequence(lambda n: f"Customer {n:06d} Ltd")  # zero-padded: sorts in creation order
    country = "US"
    currency = "USD"
    language = "en"
    contract_email = factory.Sequence(lambda n: f"contract{n}@customer.test")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    account = factory.SubFactory(CustomerAccountFactory)
    role = Role.VIEWER


def staff_user(*, superuser: bool = False, support_group: bool = True, totp: bool = True, **kwargs) -> User:
    """A vendor staff member: in the "Billing support" group (unless told), with TOTP enrolled (unless told)."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.contrib.auth.models import Group

    from accounts.services import BILLING_SUPPORT_GROUP, billing_support_group_ensure

    user = UserFactory(is_staff=True, is_superuser=superuser, **kwargs)
    if support_group:
        billing_support_group_ensure()
        user.groups.add(Group.objects.get(name=BILLING_SUPPORT_GROUP))
    if totp:
        TOTP.activate(user, generate_totp_secret())
    return user


def staff_sign_in(client, user: User):
    """`client` signed in as `user` as if they had passed the TOTP step (the admin requires it of staff).

    The real sign-in with a code is tested in tests/security/test_staff_mfa.py; here, like force_login,
    the session is written directly: allauth's record of the methods used, with "mfa" among them.
    """
    import time

    from allauth.account.internal.flows.login import (
        _AUTHENTICATION_METHODS_USER_SESSION_KEY,
        AUTHENTICATION_METHODS_SESSION_KEY,
    )

    client.force_login(user)
    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": "password", "at": time.time(), "email": user.email},
        {"method": "mfa", "at": time.time(), "type": "totp"},
    ]
    session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = str(user.pk)
    session.save()
    return client


def verification_code_from_email(body: str) -> str:
    """The email verification code allauth puts alone on its line (sign-up in one step: no link)."""
    import re

    return re.search(
        r"^\s*([BCDFGHJKLMNPQRSTVWXZ0-9]{3,}(?:-[BCDFGHJKLMNPQRSTVWXZ0-9]+)*)\s*$", body, re.M
    ).group(1)


def enter_verification_code(client, *, code: str | None = None):
    """Type the code of the last email on the page sign-up (or adding an address) leads to."""
    from django.core import mail
    from django.urls import reverse

    code = code or verification_code_from_email(mail.outbox[-1].body)
    return client.post(reverse("account_email_verification_sent"), {"code": code})
