"""Who earns Support Rewards, on what consumption, and which invoice lines they may pay. Pure rules."""

from __future__ import annotations

import calendar
import datetime
import re
from collections.abc import Iterable
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from accounts.models import CustomerAccount, Sector
from invoices.models import Invoice, InvoiceKind, InvoiceLine, InvoiceState
from rewards.models import Offering, ProductFamily

RATE_WITH_ULA = Decimal("0.33")  # 33 USD for 100 USD consumed under an active unlimited license agreement
RATE_STANDARD = Decimal("0.25")  # 25 USD for 100 USD for everyone else
VALIDITY_MONTHS = 12  # deposited at the end of December 2021 → expires at the end of December 2022
EXCLUDED_COUNTRIES = {"CN"}

# Third-party offers and cloud applications run on OCI but do not earn rewards.
INELIGIBLE_CONSUMPTION = re.compile(
    r"\b(vmware|microsoft|windows server|marketplace|fusion|saas)\b", re.IGNORECASE
)


def rate_for(account: CustomerAccount) -> Decimal:
    return RATE_WITH_ULA if account.has_unlimited_license_agreement else RATE_STANDARD


def account_exclusion_reason(account: CustomerAccount) -> str | None:
    """Why an account cannot take part in Support Rewards, or None if it can."""
    if account.sector == Sector.US_FEDERAL:
        return "us_federal"
    if account.country in EXCLUDED_COUNTRIES:
        return "country"
    if account.is_pay_as_you_go:
        return "pay_as_you_go"
    return None


EXCLUSION_MESSAGES = {
    "us_federal": _("Support Rewards are not offered to the US federal public sector."),
    "country": _("Support Rewards are not offered in this country."),
    "pay_as_you_go": _("Support Rewards are not offered to pay-as-you-go cloud customers."),
}


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def month_end(day: datetime.date) -> datetime.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def deposit_date(month: datetime.date) -> datetime.date:
    """Rewards of month M are deposited on its last day."""
    return month_end(month)


def expiry_date(month: datetime.date) -> datetime.date:
    """Last day rewards of month M can be used: the end of month M + 12."""
    return month_end(add_months(month_start(month), VALIDITY_MONTHS))


def consumption_is_eligible(*, offering: str, service: str) -> bool:
    return offering == Offering.OCI and not INELIGIBLE_CONSUMPTION.search(service)


def product_family_of(line: InvoiceLine, families: Iterable[ProductFamily]) -> ProductFamily | None:
    """The family staff set for this line's product (by code first, then by name), or None."""
    families = list(families)
    for family in families:
        if line.product_code and family.matches(product="", product_code=line.product_code):
            return family
    for family in families:
        if family.matches(product=line.product, product_code=""):
            return family
    return None


def line_refusal_reason(line: InvoiceLine, families: Iterable[ProductFamily]) -> str | None:
    """Why rewards may not pay this line, in the active language, or None if they may.

    The product family set by staff decides (Java, MySQL subscriptions and Oracle Linux are refused even
    when an invoice flags them); a product in no family takes rewards when the invoice flags it as
    Technology Programs support.
    """
    family = product_family_of(line, families)
    if family is not None and not family.rewards_eligible:
        return str(
            _("%(product)s: Support Rewards do not pay %(family)s products (%(why)s).")
            % {"product": line.product, "family": family.name, "why": family.get_refusal_display()}
        )
    if not line.is_rewards_eligible_support:
        return str(
            _("%(product)s: only Technology Programs support renewal is paid with Support Rewards.")
            % {"product": line.product}
        )
    return None


def line_is_rewards_eligible(line: InvoiceLine, families: Iterable[ProductFamily]) -> bool:
    return line_refusal_reason(line, families) is None


def invoice_exclusion_reason(invoice: Invoice) -> str | None:
    account_reason = account_exclusion_reason(invoice.account)
    if account_reason:
        return str(EXCLUSION_MESSAGES[account_reason])
    if invoice.kind != InvoiceKind.SUPPORT_RENEWAL:
        return str(_("Only Technology Programs support renewal invoices can be paid with rewards."))
    if invoice.state != InvoiceState.ISSUED:
        return str(_("This invoice is not open for payment."))
    return None
