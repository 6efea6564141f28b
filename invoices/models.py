from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Self, TypedDict

from django.conf import settings
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import CustomerAccount


class DecimalPrecision(TypedDict):
    """Keyword arguments of a DecimalField's size, spread with `**` so mypy checks them."""

    max_digits: int
    decimal_places: int


MONEY: DecimalPrecision = {"max_digits": 14, "decimal_places": 2}
DEFAULT_PAYMENT_TERMS_DAYS = 30  # Net 30 from the invoice date


class InvoiceKind(models.TextChoices):
    SUPPORT_RENEWAL = "support_renewal", _("Support renewal")
    CLOUD_SUBSCRIPTION = "cloud_subscription", _("Cloud subscription")
    LICENSE = "license", _("License")
    CONSULTING = "consulting", _("Consulting")
    USAGE_OVERAGE = "usage_overage", _("Usage overage")


class InvoiceState(models.TextChoices):
    """Stored lifecycle, set only by services. Open / overdue / closed are derived from it and the balance."""

    DRAFT = "draft", _("Draft")
    ISSUED = "issued", _("Issued")
    DISPUTED = "disputed", _("Disputed")
    CANCELLED = "cancelled", _("Cancelled")


class InvoiceStatus(models.TextChoices):
    """What the customer sees in the Status column."""

    OPEN = "open", _("Open")
    OVERDUE = "overdue", _("Overdue")
    CLOSED = "closed", _("Closed")
    DISPUTED = "disputed", _("Disputed")
    CANCELLED = "cancelled", _("Cancelled")


class InvoiceQuerySet(models.QuerySet["Invoice"]):
    def visible(self) -> Self:
        """What customers see: issued, disputed and cancelled invoices, never drafts."""
        return self.exclude(state=InvoiceState.DRAFT)

    def with_status(self, today: datetime.date | None = None) -> Self:
        today = today or timezone.localdate()
        return self.annotate(
            status_value=Case(
                When(state=InvoiceState.CANCELLED, then=Value(InvoiceStatus.CANCELLED.value)),
                When(state=InvoiceState.DISPUTED, then=Value(InvoiceStatus.DISPUTED.value)),
                When(amount_due__lte=0, then=Value(InvoiceStatus.CLOSED.value)),
                When(due_date__lt=today, then=Value(InvoiceStatus.OVERDUE.value)),
                default=Value(InvoiceStatus.OPEN.value),
                output_field=models.CharField(),
            )
        )

    def with_status_filter(self, status: str, today: datetime.date | None = None) -> Self:
        today = today or timezone.localdate()
        live = Q(state__in=[InvoiceState.ISSUED, InvoiceState.DRAFT])
        return self.filter(
            {
                InvoiceStatus.CANCELLED: Q(state=InvoiceState.CANCELLED),
                InvoiceStatus.DISPUTED: Q(state=InvoiceState.DISPUTED),
                InvoiceStatus.CLOSED: live & Q(amount_due__lte=0),
                InvoiceStatus.OVERDUE: live & Q(amount_due__gt=0, due_date__lt=today),
                InvoiceStatus.OPEN: live & Q(amount_due__gt=0, due_date__gte=today),
            }[InvoiceStatus(status)]
        )

    def payable(self) -> Self:
        """Issued invoices with something left to pay (disputed and cancelled ones are not offered)."""
        return self.filter(state=InvoiceState.ISSUED, amount_due__gt=0)


class Invoice(models.Model):
    number = models.CharField(_("invoice number"), max_length=40, unique=True)
    account = models.ForeignKey(CustomerAccount, on_delete=models.PROTECT, related_name="invoices")
    kind = models.CharField(_("kind"), max_length=30, choices=InvoiceKind.choices)
    state = models.CharField(
        _("state"), max_length=20, choices=InvoiceState.choices, default=InvoiceState.DRAFT
    )
    issue_date = models.DateField(_("issue date"))
    payment_terms_days = models.PositiveSmallIntegerField(
        _("payment terms (days)"), default=DEFAULT_PAYMENT_TERMS_DAYS
    )
    due_date = models.DateField(_("due date"))
    currency = models.CharField(_("currency"), max_length=3)
    subtotal = models.DecimalField(_("subtotal"), **MONEY)
    tax = models.DecimalField(_("tax"), **MONEY)
    total = models.DecimalField(_("total"), **MONEY)
    amount_due = models.DecimalField(_("balance due"), **MONEY)
    po_number = models.CharField(_("purchase order number"), max_length=60, blank=True)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="en")
    version = models.PositiveIntegerField(
        _("version"), default=1, help_text=_("Goes up whenever the invoice or its balance changes.")
    )
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    replaces = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        verbose_name=_("reissue of"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = InvoiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-issue_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_due__gte=0),
                name="invoice_amount_due_not_negative",
                violation_error_message=_("The amount due cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(amount_due__lte=F("total")),
                name="invoice_amount_due_within_total",
                violation_error_message=_("The amount due cannot be more than the invoice total."),
            ),
            models.CheckConstraint(
                condition=Q(total=F("subtotal") + F("tax")),
                name="invoice_total_is_subtotal_plus_tax",
                violation_error_message=_("The total must equal the subtotal plus the tax."),
            ),
            models.CheckConstraint(
                condition=Q(due_date__gte=F("issue_date")),
                name="invoice_due_after_issue",
                violation_error_message=_("The due date cannot be before the issue date."),
            ),
            models.CheckConstraint(
                condition=Q(currency__regex=r"^[A-Z]{3}$"),
                name="invoice_currency_iso",
                violation_error_message=_("The currency must be a three-letter ISO code, such as EUR."),
            ),
        ]
        indexes = [
            models.Index(fields=["account", "-issue_date", "-id"]),
            models.Index(fields=["account", "due_date"]),
            models.Index(fields=["account", "state", "amount_due"]),
            models.Index(fields=["po_number"]),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def status(self) -> str:
        if hasattr(self, "status_value"):
            return self.status_value
        return self.status_on(timezone.localdate())

    def status_on(self, today: datetime.date) -> str:
        if self.state == InvoiceState.CANCELLED:
            return InvoiceStatus.CANCELLED
        if self.state == InvoiceState.DISPUTED:
            return InvoiceStatus.DISPUTED
        if self.amount_due <= 0:
            return InvoiceStatus.CLOSED
        if self.due_date < today:
            return InvoiceStatus.OVERDUE
        return InvoiceStatus.OPEN

    def get_status_display(self) -> str:
        # Like Django's own get_FOO_display: a str in the active language, not a lazy proxy.
        return str(InvoiceStatus(self.status).label)

    @property
    def amount_settled(self) -> Decimal:
        return self.total - self.amount_due

    def can_be_paid(self) -> bool:
        """A customer may pay it: issued, or disputed (paying stays possible; the page says what happens to
        the money if the dispute is upheld). Automatic payment, reminders and account credit use `payable()`,
        which leaves disputed invoices out while billing support reviews them."""
        return self.state in (InvoiceState.ISSUED, InvoiceState.DISPUTED) and self.amount_due > 0


class InvoiceEvent(models.Model):
    """One status change of an invoice: who moved it, when, why, and the balance at that moment.

    Written only by `invoices.services.invoice_transition`, in the transaction that changes the state."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="events")
    from_state = models.CharField(_("from"), max_length=20, choices=InvoiceState.choices)
    to_state = models.CharField(_("to"), max_length=20, choices=InvoiceState.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
        help_text=_("Empty when the system made the change (import, schedule)."),
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    amount_due = models.DecimalField(_("balance due at the change"), **MONEY)
    total = models.DecimalField(_("total"), **MONEY)
    details = models.JSONField(_("amounts and references"), default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("invoice status change")
        verbose_name_plural = _("invoice status changes")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_state=F("to_state")),
                name="invoice_event_changes_state",
                violation_error_message=_("A status change must move the invoice to another status."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.invoice_id}: {self.from_state} → {self.to_state}"


class InvoiceLine(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField(default=1)
    order_number = models.CharField(_("order number"), max_length=40, blank=True, db_index=True)
    description = models.CharField(_("description"), max_length=300)
    product = models.CharField(_("product"), max_length=200)
    product_code = models.CharField(_("product code"), max_length=40, blank=True)
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=4, default=Decimal("1"))
    unit_price = models.DecimalField(_("unit price"), max_digits=14, decimal_places=4)
    amount = models.DecimalField(_("amount"), **MONEY, help_text=_("Before tax."))
    tax = models.DecimalField(_("tax"), **MONEY, default=Decimal("0.00"))
    service_start = models.DateField(_("service start"), null=True, blank=True)
    service_end = models.DateField(_("service end"), null=True, blank=True)
    is_rewards_eligible_support = models.BooleanField(
        _("support that Support Rewards may pay"),
        default=False,
        help_text=_("Technology Programs support renewal (not Java, MySQL subscriptions or Oracle Linux)."),
    )

    class Meta:
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")
        ordering = ["invoice", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(service_end__isnull=True)
                | Q(service_start__isnull=True)
                | Q(service_end__gte=F("service_start")),
                name="line_service_period_ordered",
                violation_error_message=_("The service period must end on or after its start."),
            ),
        ]

    def __str__(self) -> str:
        return self.description

    @property
    def display_description(self) -> str:
        """The description without the " — order ORD-…" the ERP (and the old demo) append in English: pages
        and the PDF print the order number under it, labelled in the reader's language."""
        if self.order_number:
            for suffix in (f" — order {self.order_number}", f" - order {self.order_number}"):
                if self.description.casefold().endswith(suffix.casefold()):
                    return self.description[: -len(suffix)].rstrip()
        return self.description


class CreditMemo(models.Model):
    """Money taken off an invoice's balance by the vendor (dispute resolved, invoice cancelled)."""

    number = models.CharField(_("credit memo number"), max_length=40, unique=True)
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="credit_memos")
    amount = models.DecimalField(_("amount"), **MONEY)
    currency = models.CharField(_("currency"), max_length=3)
    reason = models.CharField(_("reason"), max_length=300)
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("credit memo")
        verbose_name_plural = _("credit memos")
        ordering = ["-issued_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="credit_memo_amount_positive",
                violation_error_message=_("The credit memo amount must be more than zero."),
            )
        ]

    def __str__(self) -> str:
        return self.number


class RemittanceInstruction(models.Model):
    """Where to send a bank transfer, ACH credit or cheque, per invoice currency."""

    currency = models.CharField(_("currency"), max_length=3, unique=True)
    beneficiary = models.CharField(_("beneficiary"), max_length=200)
    bank_name = models.CharField(_("bank"), max_length=200)
    bank_address = models.CharField(_("bank address"), max_length=300, blank=True)
    account_number = models.CharField(_("account number / IBAN"), max_length=60)
    swift_bic = models.CharField(_("SWIFT / BIC"), max_length=20, blank=True)
    routing_number = models.CharField(_("routing number (ABA) / sort code"), max_length=20, blank=True)
    remittance_address = models.TextField(_("remittance address for cheques"), blank=True)

    class Meta:
        verbose_name = _("remittance instruction")
        verbose_name_plural = _("remittance instructions")
        ordering = ["currency"]

    def __str__(self) -> str:
        return f"{self.currency}: {self.bank_name}"
