"""Demo data: two customers in different countries and currencies, a user per role, invoices in every status.

Every function here is idempotent (get_or_create on natural keys) so that
`make run` can call `seed_demo` on each start. Apps add their own demo data
through a `demo.seed(context)` function, called from `seed_all()`.
"""

from __future__ import annotations

import datetime
import importlib
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import AccountContact, ContactKind, CustomerAccount, Membership, Role, Sector, User
from invoices.models import Invoice, InvoiceLine, InvoiceState, RemittanceInstruction

PASSWORD = "demo-password-2026"
APPS_WITH_DEMO_DATA = ["invoices", "orders", "payments", "rewards", "accounts", "support"]


def user_with_verified_email(email: str, *, first_name: str = "", last_name: str = "", **extra) -> User:
    user, created = User.objects.get_or_create(
        email=email, defaults={"first_name": first_name, "last_name": last_name, **extra}
    )
    if created:
        user.set_password(PASSWORD)
        user.save()
    EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return user


def seed_accounts() -> dict[str, CustomerAccount]:
    acme, _ = CustomerAccount.objects.get_or_create(
        customer_number="C-100200",
        defaults={
            "legal_name": "Acme Industries Inc.",
            "country": "US",
            "currency": "USD",
            "language": "en",
            "tax_number": "US-94-1234567",
            "address_line1": "500 Market Street",
            "postal_code": "94105",
            "city": "San Francisco",
            "region": "CA",
            "sector": Sector.COMMERCIAL,
            "has_unlimited_license_agreement": True,
            "contract_email": "ap@acme.example",
        },
    )
    lumiere, _ = CustomerAccount.objects.get_or_create(
        customer_number="C-300400",
        defaults={
            "legal_name": "Lumière Logistique SAS",
            "country": "FR",
            "currency": "EUR",
            "language": "fr",
            "tax_number": "FR40123456789",
            "address_line1": "12 rue de la Paix",
            "postal_code": "75002",
            "city": "Paris",
            "sector": Sector.COMMERCIAL,
            "contract_email": "compta@lumiere.example",
        },
    )
    for account, prefix in ((acme, "acme"), (lumiere, "lumiere")):
        AccountContact.objects.get_or_create(
            account=account, kind=ContactKind.DUNNING, defaults={"email": f"dunning@{prefix}.example"}
        )
        AccountContact.objects.get_or_create(
            account=account, kind=ContactKind.ACCOUNT, defaults={"email": f"finance-lead@{prefix}.example"}
        )
    return {"acme": acme, "lumiere": lumiere}


def seed_users(accounts: dict[str, CustomerAccount]) -> list[tuple[str, str]]:
    acme, lumiere = accounts["acme"], accounts["lumiere"]
    people = [
        (
            "ap@acme.example",
            "Alice",
            "Payne",
            [(acme, Role.BILLING_CONTACT), (lumiere, Role.VIEWER)],
            "billing contact of Acme (USD), viewer of Lumière (EUR)",
        ),
        ("payer@acme.example", "Paul", "Ayer", [(acme, Role.PAYER)], "payer at Acme"),
        ("viewer@acme.example", "Vera", "Iewer", [(acme, Role.VIEWER)], "viewer at Acme"),
        (
            "compta@lumiere.example",
            "Camille",
            "Dubois",
            [(lumiere, Role.BILLING_CONTACT)],
            "billing contact of Lumière (EUR, French)",
        ),
    ]
    logins = []
    for email, first, last, roles, description in people:
        user = user_with_verified_email(email, first_name=first, last_name=last)
        for account, role in roles:
            Membership.objects.get_or_create(user=user, account=account, defaults={"role": role})
        logins.append((email, description))
    staff = user_with_verified_email(
        "support@vendor.example", first_name="Sam", last_name="Support", is_staff=True
    )
    staff.groups.add(Group.objects.get(name="Billing support"))
    logins.append(("support@vendor.example", "support staff (admin at /admin/)"))
    return logins


def seed_remittance() -> None:
    RemittanceInstruction.objects.get_or_create(
        currency="USD",
        defaults={
            "beneficiary": "Vendor Cloud Inc.",
            "bank_name": "First Commerce Bank",
            "bank_address": "1 Bank Plaza, New York, NY 10005",
            "account_number": "000123456789",
            "swift_bic": "FCBKUS33",
            "routing_number": "021000021",
            "remittance_address": "Vendor Cloud Inc.\nPO Box 44471\nSan Francisco, CA 94144-4471",
        },
    )
    RemittanceInstruction.objects.get_or_create(
        currency="EUR",
        defaults={
            "beneficiary": "Vendor Cloud France SAS",
            "bank_name": "Banque Européenne de Paris",
            "bank_address": "8 place Vendôme, 75001 Paris",
            "account_number": "FR76 3000 6000 0112 3456 7890 189",
            "swift_bic": "BEPAFRPP",
            "remittance_address": "Vendor Cloud France SAS\nService Encaissements\n15 boulevard Haussmann\n75009 Paris",
        },
    )


def demo_invoice(
    account: CustomerAccount,
    number: str,
    *,
    kind: str,
    days_ago: int,
    lines: list[tuple[str, str, Decimal, bool]],
    tax_rate: Decimal,
    po_number: str = "",
    state: str = InvoiceState.ISSUED,
) -> Invoice:
    """An issued invoice dated `days_ago` days back, nothing paid: payments go through the ledger (payments/demo.py)."""
    existing = Invoice.objects.filter(number=number).first()
    if existing:
        return existing
    issue_date = timezone.localdate() - datetime.timedelta(days=days_ago)
    subtotal = sum((amount for _, _, amount, _ in lines), Decimal("0"))
    tax = (subtotal * tax_rate).quantize(Decimal("0.01"))
    invoice = Invoice.objects.create(
        number=number,
        account=account,
        kind=kind,
        state=state,
        issue_date=issue_date,
        due_date=issue_date + datetime.timedelta(days=30),
        currency=account.currency,
        subtotal=subtotal,
        tax=tax,
        total=subtotal + tax,
        amount_due=subtotal + tax,
        po_number=po_number,
        language=account.language,
        issued_at=timezone.now() - datetime.timedelta(days=days_ago),
    )
    for position, (order_number, product, amount, support) in enumerate(lines, start=1):
        line_tax = (amount * tax_rate).quantize(Decimal("0.01"))
        InvoiceLine.objects.create(
            invoice=invoice,
            position=position,
            order_number=order_number,
            description=product,  # the order number is printed under it, labelled in the reader's language
            product=product,
            quantity=Decimal("1"),
            unit_price=amount,
            amount=amount,
            tax=line_tax,
            service_start=issue_date,
            service_end=issue_date + datetime.timedelta(days=364),
            is_rewards_eligible_support=support,
        )
    return invoice


def seed_all() -> list[tuple[str, str]]:
    from accounts.services import billing_support_group_ensure

    billing_support_group_ensure()
    accounts = seed_accounts()
    logins = seed_users(accounts)
    seed_remittance()
    context = {"accounts": accounts}
    for app in APPS_WITH_DEMO_DATA:
        importlib.import_module(f"portal.demo.{app}").seed(context)
    return logins
