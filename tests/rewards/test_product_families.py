"""Item 8 of issue 11: rewards eligibility by product family or code, set by staff, with the seed's
three exclusions (Java, MySQL subscriptions bundling license and support, Oracle Linux) preloaded."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from rewards.eligibility import line_refusal_reason
from rewards.models import ProductFamily, ProductRefusal
from rewards.selectors import product_families, rewards_applicable_amount
from tests.factories import staff_sign_in, staff_user
from tests.invoices.factories import InvoiceLineFactory
from tests.rewards.factories import RewardLotFactory, support_invoice

pytestmark = pytest.mark.django_db
D = Decimal


def test_the_seeds_three_exclusions_are_preloaded():
    families = {family.name: family for family in ProductFamily.objects.all()}
    assert set(families) == {"Java", "MySQL subscriptions", "Oracle Linux"}
    assert not any(family.rewards_eligible for family in families.values())
    assert families["Java"].refusal == ProductRefusal.BUNDLES_LICENSE
    assert families["MySQL subscriptions"].refusal == ProductRefusal.BUNDLES_LICENSE
    assert families["Oracle Linux"].refusal == ProductRefusal.NOT_TECHNOLOGY_SUPPORT


@pytest.mark.parametrize(
    ("product", "eligible"),
    [
        ("Java SE Subscription", False),
        ("Java SE Universal Subscription", False),
        ("MySQL Enterprise Edition Subscription", False),
        ("Oracle Linux Premier Support", False),
        ("Database EE for Linux support", True),  # refused before by a substring match on "linux"
        ("Database Enterprise Edition — Software Update License & Support", True),
        ("JavaScript Extension Toolkit support", True),  # not the Java family
        ("MySQL Enterprise Edition — Software Update License & Support", True),  # not sold by subscription
    ],
)
def test_seed_examples(account, rewards_account, product, eligible):
    invoice = support_invoice(account, lines=[(product, D("1000.00"), True)])
    RewardLotFactory(rewards_account=rewards_account, amount=D("5000.00"))
    expected = D("1000.00") if eligible else D("0")
    assert rewards_applicable_amount(invoice=invoice) == expected


def test_staff_can_make_a_family_eligible_or_exclude_a_product_code(account, rewards_account):
    RewardLotFactory(rewards_account=rewards_account, amount=D("5000.00"))
    java = support_invoice(account, lines=[("Java SE Subscription", D("100.00"), True)])
    ProductFamily.objects.filter(name="Java").update(rewards_eligible=True, refusal="")
    assert rewards_applicable_amount(invoice=java) == D("100.00")

    weblogic = support_invoice(account, lines=[("WebLogic Server support", D("200.00"), True)])
    weblogic.lines.update(product_code="B-12345")
    assert rewards_applicable_amount(invoice=weblogic) == D("200.00")
    ProductFamily.objects.create(
        name="WebLogic bundles",
        product_codes=["b-12345"],
        rewards_eligible=False,
        refusal=ProductRefusal.BUNDLES_LICENSE,
    )
    assert rewards_applicable_amount(invoice=weblogic) == D("0")


def test_a_family_refuses_a_line_even_when_the_invoice_flags_it_and_an_unflagged_line_stays_due(account):
    invoice = support_invoice(account, lines=[("Java SE Subscription", D("100.00"), True)])
    families = product_families()
    line = invoice.lines.get()
    with translation.override("en"):
        assert line_refusal_reason(line, families) == (
            "Java SE Subscription: Support Rewards do not pay Java products "
            "(sold by subscription with the license and the support together)."
        )
    with translation.override("fr"):
        reason = line_refusal_reason(line, families)
        assert reason.startswith("Java SE Subscription\u202f: ")
        assert "abonnement" in reason
    consulting = InvoiceLineFactory(
        invoice=invoice, product="Consulting day", is_rewards_eligible_support=False
    )
    with translation.override("fr"):
        assert "Technology Programs" in line_refusal_reason(consulting, families)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_refused_line_says_why_on_the_redeem_page(
    client_of, billing_contact, account, rewards_account, language
):
    RewardLotFactory(rewards_account=rewards_account)
    invoice = support_invoice(
        account,
        lines=[
            ("Database EE for Linux support", D("300.00"), True),
            ("Oracle Linux Premier Support", D("100.00"), True),
        ],
    )
    client = client_of(billing_contact)
    page = client.get(
        reverse("rewards:redeem", args=[invoice.number]), HTTP_ACCEPT_LANGUAGE=language
    ).content.decode()
    refusal = {
        "en": "Oracle Linux Premier Support: Support Rewards do not pay Oracle Linux products",
        "fr": "Oracle Linux Premier Support\u202f: les Support Rewards ne paient pas les produits Oracle Linux",
    }[language]
    assert refusal in page
    assert "Database EE for Linux support:" not in page and "Database EE for Linux support\u202f:" not in page


def test_staff_edit_product_families_in_the_admin(client):
    staff = staff_user()
    staff_sign_in(client, staff)
    page = client.get(reverse("admin:rewards_productfamily_changelist"))
    assert page.status_code == 200
    assert "Oracle Linux" in page.content.decode()
    java = ProductFamily.objects.get(name="Java")
    response = client.post(
        reverse("admin:rewards_productfamily_change", args=[java.pk]),
        {"name": "Java", "product_names": "Java", "product_codes": "", "rewards_eligible": "", "refusal": ""},
    )
    assert response.status_code == 200  # refused: a refused family says why
    java.refresh_from_db()
    assert java.refusal == ProductRefusal.BUNDLES_LICENSE
