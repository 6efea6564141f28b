"""Orders, subscriptions, ordered products, usage, and the record of each plan line invoiced.

A subscription holds the terms (start, term in months, billing frequency and timing, co-term end); orders
(the first one and add-ons) bring products to it; each product is billed from its provisioning date. The
billing plan itself is computed (orders.billing), never stored: only what was invoiced is, one
`PlanLineInvoice` row per plan line, unique per subscription and plan-line key.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from accounts.models import CustomerAccount
from invoices.models import MONEY, Invoice, InvoiceLine
from orders.billing.plan import BillingFrequency, BillingTiming, Rule
from orders.billing.usage import UsageKind


class Frequency(models.TextChoices):
    ANNUAL = BillingFrequency.ANNUAL.value, _("Annual")
    QUARTERLY = BillingFrequency.QUARTERLY.value, _("Quarterly")
    MONTHLY = BillingFrequency.MONTHLY.value, _("Monthly")


class Timing(models.TextChoices):
    ADVANCE = BillingTiming.ADVANCE.value, _("in advance")
    ARREARS = BillingTiming.ARREARS.value, _("in arrears")


class Subscription(models.Model):
    account = models.ForeignKey(CustomerAccount, on_delete=models.PROTECT, related_name="subscriptions")
    number = models.CharField(_("subscription number"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200, blank=True)
    currency = models.CharField(_("currency"), max_length=3)
    start_date = models.DateField(_("start"), help_text=_("Every billing period is counted from this day."))
    term_months = models.PositiveSmallIntegerField(_("term (months)"))
    end_date = models.DateField(
        _("co-term end"), help_text=_("Every product of the subscription ends this day.")
    )
    billing_frequency = models.CharField(_("billing frequency"), max_length=12, choices=Frequency.choices)
    billing_timing = models.CharField(
        _("billing timing"), max_length=10, choices=Timing.choices, default=Timing.ADVANCE
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        ordering = ["-start_date", "number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(term_months__gte=1),
                name="subscription_term_positive",
                violation_error_message=_("A subscription lasts at least one month."),
            ),
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="subscription_ends_after_start",
                violation_error_message=_("The co-term end cannot be before the start."),
            ),
            models.CheckConstraint(
                condition=Q(billing_timing=Timing.ADVANCE) | Q(billing_frequency=Frequency.MONTHLY),
                name="subscription_arrears_only_monthly",
                violation_error_message=_("Only monthly billing can be in arrears."),
            ),
            models.CheckConstraint(
                condition=Q(currency__regex=r"^[A-Z]{3}$"),
                name="subscription_currency_iso",
                violation_error_message=_("The currency must be a three-letter ISO code, such as EUR."),
            ),
        ]
        indexes = [models.Index(fields=["account", "-start_date"])]

    def __str__(self) -> str:
        return self.number


class OrderStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    PROVISIONING = "provisioning", _("Provisioning")
    PARTLY_PROVISIONED = "partly_provisioned", _("Partly provisioned")
    PROVISIONED = "provisioned", _("Provisioned")
    INVOICED = "invoiced", _("Invoiced")


class OrderKind(models.TextChoices):
    INITIAL = "initial", _("Subscription order")
    ADD_ON = "add_on", _("Add-on order")


class Order(models.Model):
    account = models.ForeignKey(CustomerAccount, on_delete=models.PROTECT, related_name="orders")
    subscription = models.ForeignKey(Subscription, on_delete=models.PROTECT, related_name="orders")
    number = models.CharField(_("order number"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=OrderKind.choices, default=OrderKind.INITIAL)
    paid_at_once = models.BooleanField(
        _("paid in full at purchase"),
        default=False,
        help_text=_(
            "An add-on the customer chose to pay at once rather than with the subscription's invoices."
        ),
    )
    order_date = models.DateField(_("order date"))
    currency = models.CharField(_("currency"), max_length=3)
    po_number = models.CharField(_("purchase order number"), max_length=60, blank=True)
    billing_contact_name = models.CharField(_("billing contact"), max_length=200, blank=True)
    billing_contact_email = models.EmailField(_("billing contact email"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=OrderStatus.choices, default=OrderStatus.BOOKED
    )
    # When the order reached each status (stored for fast lists; set by orders.services).
    provisioning_on = models.DateField(_("provisioning started"), null=True, blank=True)
    partly_provisioned_on = models.DateField(_("first product provisioned"), null=True, blank=True)
    provisioned_on = models.DateField(_("all products provisioned"), null=True, blank=True)
    invoiced_on = models.DateField(_("first invoiced"), null=True, blank=True)
    total = models.DecimalField(_("order value"), **MONEY, default=Decimal("0.00"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-order_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(paid_at_once=False) | Q(kind=OrderKind.ADD_ON),
                name="order_paid_at_once_only_add_on",
                violation_error_message=_("Only an add-on order can be paid in full at purchase."),
            ),
            models.CheckConstraint(
                condition=Q(total__gte=0),
                name="order_total_not_negative",
                violation_error_message=_("An order's value cannot be negative."),
            ),
        ]
        # The Orders page: one account's orders, newest first, a page at a time.
        indexes = [models.Index(fields=["account", "-order_date", "-id"])]

    def __str__(self) -> str:
        return self.number


class ProductCategory(models.TextChoices):
    SAAS = "saas", _("SaaS")
    PAAS = "paas", _("PaaS")
    IAAS = "iaas", _("IaaS")
    OTHER = "other", _("Other")


class OrderLine(models.Model):
    """One product of an order: its quantity, its value for the ordered period, its provisioning date."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField(default=1)
    product = models.CharField(_("product"), max_length=200)
    product_code = models.CharField(_("product code"), max_length=40, blank=True)
    category = models.CharField(_("category"), max_length=10, choices=ProductCategory.choices)
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=4, default=Decimal("1"))
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    amount = models.DecimalField(
        _("value"), **MONEY, help_text=_("For the ordered start to the co-term end.")
    )
    service_start = models.DateField(_("ordered start"))
    provisioned_on = models.DateField(_("provisioned on"), null=True, blank=True)
    shared_capacity = models.BooleanField(_("shared capacity (not prorated)"), default=False)

    class Meta:
        verbose_name = _("ordered product")
        verbose_name_plural = _("ordered products")
        ordering = ["order", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="order_line_amount_not_negative",
                violation_error_message=_("A product's value cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(quantity__gt=0),
                name="order_line_quantity_positive",
                violation_error_message=_("The quantity must be more than zero."),
            ),
            models.UniqueConstraint(
                fields=["order", "position"],
                name="order_line_position_unique",
                violation_error_message=_("Two products of the order have the same position."),
            ),
        ]

    def __str__(self) -> str:
        return self.product


class UsageRecord(models.Model):
    """A month of usage of a subscription's product (consumption against the commitment, or bursting)."""

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="usage_records")
    month = models.DateField(_("month"), help_text=_("First day of the month."))
    product = models.CharField(_("product"), max_length=200)
    product_code = models.CharField(_("product code"), max_length=40, blank=True)
    kind = models.CharField(
        _("kind"),
        max_length=12,
        choices=[(UsageKind.CONSUMPTION.value, _("Consumption")), (UsageKind.BURST.value, _("Bursting"))],
        default=UsageKind.CONSUMPTION.value,
    )
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=4)
    unit_price = models.DecimalField(_("unit price"), max_digits=14, decimal_places=4)
    committed_amount = models.DecimalField(_("committed amount"), **MONEY, default=Decimal("0.00"))
    subscribed_quantity = models.DecimalField(
        _("subscribed capacity"), max_digits=14, decimal_places=4, default=Decimal("0")
    )
    hours = models.DecimalField(_("hours"), max_digits=10, decimal_places=2, default=Decimal("0"))

    class Meta:
        verbose_name = _("usage record")
        verbose_name_plural = _("usage records")
        ordering = ["subscription", "month", "product"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "month", "product", "kind"],
                name="usage_record_once_per_month",
                violation_error_message=_("This product's usage for the month is already recorded."),
            ),
            models.CheckConstraint(
                condition=Q(month__day=1),
                name="usage_record_month_first_day",
                violation_error_message=_("The month is given by its first day."),
            ),
            models.CheckConstraint(
                condition=Q(quantity__gte=0, unit_price__gte=0, committed_amount__gte=0, hours__gte=0),
                name="usage_record_not_negative",
                violation_error_message=_("Usage figures cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product} {self.month:%Y-%m}"


class PlanLineInvoice(models.Model):
    """A plan line that was invoiced: the unique (subscription, key) makes each plan line invoiced once.

    The figures the "Why this amount?" panel shows are kept as they were when invoiced (`figures`)."""

    subscription = models.ForeignKey(Subscription, on_delete=models.PROTECT, related_name="invoiced_lines")
    key = models.CharField(_("plan line"), max_length=80)
    order = models.ForeignKey(Order, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="+")
    invoice_line = models.OneToOneField(InvoiceLine, on_delete=models.PROTECT, related_name="plan_line")
    rule = models.CharField(_("rule"), max_length=24, choices=[(rule.value, rule.value) for rule in Rule])
    period_start = models.DateField()
    period_end = models.DateField()
    amount = models.DecimalField(**MONEY)
    figures = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("invoiced plan line")
        verbose_name_plural = _("invoiced plan lines")
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "key"],
                name="plan_line_invoiced_once",
                violation_error_message=_("This plan line is already invoiced."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subscription_id}:{self.key}"
