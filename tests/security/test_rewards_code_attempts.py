"""Issue 10, item 2: Support Rewards codes cannot be guessed: wrong codes are throttled per user and
per account, on the rewards page and in the checkout, with a message in the user's language."""

from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import Role
from checkout.services import CheckoutRefused, checkout_submit
from payments.models import PaymentMethod
from rewards.services.code_attempts import REWARDS_CODE_FAILURES_PER_ACCOUNT, REWARDS_CODE_FAILURES_PER_USER
from tests.factories import CustomerAccountFactory, MembershipFactory
from tests.rewards.factories import RewardLotFactory, RewardsAccountFactory, support_invoice

pytestmark = pytest.mark.django_db

THROTTLED = "Too many wrong rewards codes"


@pytest.fixture
def rewards_account(account):
    rewards_account = RewardsAccountFactory(account=account)
    RewardLotFactory(rewards_account=rewards_account, amount=Decimal("300.00"))
    return rewards_account


@pytest.fixture
def invoice(account):
    return support_invoice(account)


def redeem(client, invoice, code, **extra):
    return client.post(
        reverse("rewards:redeem", args=[invoice.number]), {"step": "preview", "code": code}, **extra
    )


def test_wrong_codes_are_throttled_per_user_and_the_form_keeps_the_code(
    client_of, billing_contact, rewards_account, invoice
):
    client = client_of(billing_contact)
    for n in range(REWARDS_CODE_FAILURES_PER_USER):
        response = redeem(client, invoice, f"WRONG-CODE-{n:04d}")
        assert "not valid for this account" in response.content.decode()
    response = redeem(client, invoice, rewards_account.code)  # even the right code, while throttled
    body = response.content.decode()
    assert response.status_code == 422
    assert THROTTLED in body
    assert f'value="{rewards_account.code}"' in body  # what was typed stays in the field
    assert b"rewards-preview" not in response.content


def test_the_message_is_in_the_users_language(client_of, billing_contact, rewards_account, invoice):
    client = client_of(billing_contact)
    for n in range(REWARDS_CODE_FAILURES_PER_USER + 1):
        response = redeem(client, invoice, f"WRONG-CODE-{n:04d}", HTTP_ACCEPT_LANGUAGE="fr")
    assert "Trop de codes de récompenses erronés" in response.content.decode()


def test_wrong_codes_are_throttled_per_account_across_its_members(
    client_of, account, rewards_account, invoice
):
    members = [
        MembershipFactory(account=account, role=Role.BILLING_CONTACT).user
        for _ in range(REWARDS_CODE_FAILURES_PER_ACCOUNT // REWARDS_CODE_FAILURES_PER_USER + 1)
    ]
    failures = 0
    for member in members[:-1]:
        client = client_of(member)
        for n in range(REWARDS_CODE_FAILURES_PER_USER):
            redeem(client, invoice, f"WRONG-{member.pk}-{n:04d}")
            failures += 1
    assert failures >= REWARDS_CODE_FAILURES_PER_ACCOUNT
    fresh = client_of(members[-1])
    assert THROTTLED in redeem(fresh, invoice, rewards_account.code).content.decode()


def test_another_account_is_not_throttled(client_of, billing_contact, rewards_account, invoice, outsider):
    client = client_of(billing_contact)
    for n in range(REWARDS_CODE_FAILURES_PER_USER + 1):
        redeem(client, invoice, f"WRONG-CODE-{n:04d}")
    other_rewards = RewardsAccountFactory(account=outsider.memberships.get().account)
    RewardLotFactory(rewards_account=other_rewards, amount=Decimal("300.00"))
    other_invoice = support_invoice(other_rewards.account)
    response = redeem(client_of(outsider), other_invoice, other_rewards.code)
    assert b"rewards-preview" in response.content


def test_the_checkout_throttles_rewards_codes_too(payer, account, rewards_account, invoice):
    def submit(code, token):
        return checkout_submit(
            user=payer,
            account=account,
            invoices=[invoice],
            amount=None,
            method=PaymentMethod.CARD,
            rewards_code=code,
            token=token,
        )

    for n in range(REWARDS_CODE_FAILURES_PER_USER):
        with pytest.raises(CheckoutRefused) as refused:
            submit(f"WRONG-CODE-{n:04d}", f"tok-{n}")
        assert "not valid" in str(refused.value)
    with pytest.raises(CheckoutRefused) as refused:
        submit(rewards_account.code, "tok-right")
    assert refused.value.field == "rewards_code"
    assert THROTTLED in str(refused.value)


def test_the_pay_page_keeps_the_typed_code_when_throttled(
    client_of, payer, account, rewards_account, invoice
):
    client = client_of(payer)
    data = {"invoice": [invoice.number], "method": "card"}
    for n in range(REWARDS_CODE_FAILURES_PER_USER):
        client.post(reverse("payments:pay"), {**data, "rewards_code": f"WRONG-{n:04d}", "token": f"t{n}"})
    response = client.post(
        reverse("payments:pay"), {**data, "rewards_code": "TYPED-AGAIN", "token": "t-last"}
    )
    body = response.content.decode()
    assert THROTTLED in body
    assert 'value="TYPED-AGAIN"' in body


def test_another_users_account_code_counts_as_a_wrong_code(
    client_of, billing_contact, rewards_account, invoice
):
    foreign = RewardsAccountFactory(account=CustomerAccountFactory())
    client = client_of(billing_contact)
    for _ in range(REWARDS_CODE_FAILURES_PER_USER):
        redeem(client, invoice, foreign.code)
    assert THROTTLED in redeem(client, invoice, rewards_account.code).content.decode()
