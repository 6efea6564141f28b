"""Billing-support requests: what a customer asks billing support (dispute an invoice, a PO number on future
invoices, a new VAT number, ...), the conversation with staff, its files, and every status change.

A request's status moves only along REQUEST_TRANSITIONS (support.services.request_transition), each move
recorded as a RequestEvent. The fields a kind needs are typed columns (empty for the other kinds); which
are required per kind is decided by the forms and checked again by `support.services.request_open`.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import CustomerAccount
from invoices.models import MONEY, CreditMemo, Invoice, InvoiceLine
from payments.models import Payment, Refund, RemittanceAdvice

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024  # 10 MB per file
MAX_ATTACHMENTS_PER_MESSAGE = 5
ATTACHMENT_TYPES = ("application/pdf", "image/png", "image/jpeg")


class RequestKind(models.TextChoices):
    DISPUTE = "dispute", _("Dispute an invoice")
    PO_NUMBER = "po_number", _("PO number on future invoices")
    TAX_NUMBER = "tax_number", _("New VAT / tax number")
    BILLING_DETAILS = "billing_details", _("Billing address or legal name change")
    LATE_TRANSFER = "late_transfer", _("Bank transfer not yet applied")
    PAYMENT_DETAILS = "payment_details", _("Card or PayPal details update")
    CANCELLATION = "cancellation", _("Cancellation of services")
    SERVICE_CREDIT = "service_credit", _("Service credit")
    OTHER = "other", _("Something else")


class RequestStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    IN_REVIEW = "in_review", _("In review")
    WAITING_FOR_CUSTOMER = "waiting_for_customer", _("Waiting for your answer")
    RESOLVED = "resolved", _("Resolved")
    REFUSED = "refused", _("Refused")


OPEN_STATUSES = (RequestStatus.SUBMITTED, RequestStatus.IN_REVIEW, RequestStatus.WAITING_FOR_CUSTOMER)
CLOSED_STATUSES = (RequestStatus.RESOLVED, RequestStatus.REFUSED)

# The only status moves allowed. A customer's reply to "waiting for your answer" puts it back in review.
REQUEST_TRANSITIONS: dict[str, set[str]] = {
    RequestStatus.SUBMITTED: {RequestStatus.IN_REVIEW, RequestStatus.WAITING_FOR_CUSTOMER, *CLOSED_STATUSES},
    RequestStatus.IN_REVIEW: {RequestStatus.WAITING_FOR_CUSTOMER, *CLOSED_STATUSES},
    RequestStatus.WAITING_FOR_CUSTOMER: {RequestStatus.IN_REVIEW, *CLOSED_STATUSES},
    RequestStatus.RESOLVED: set(),
    RequestStatus.REFUSED: set(),
}


class Outcome(models.TextChoices):
    """How staff closed a request. The dispute outcomes move money (support.resolutions)."""

    ACCEPTED = "accepted", _("Accepted")
    REFUSED = "refused", _("Refused")
    DISPUTE_REJECTED = "dispute_rejected", _("Dispute rejected: invoice due again")
    CREDIT_MEMO = "credit_memo", _("Credit memo for the contested amount or lines")
    CREDIT_AND_REISSUE = "credit_and_reissue", _("Credit memo and new invoice")
    INVOICE_CANCELLED = "invoice_cancelled", _("Invoice cancelled")


REFUSING_OUTCOMES = (Outcome.REFUSED, Outcome.DISPUTE_REJECTED)
DISPUTE_OUTCOMES = (
    Outcome.DISPUTE_REJECTED,
    Outcome.CREDIT_MEMO,
    Outcome.CREDIT_AND_REISSUE,
    Outcome.INVOICE_CANCELLED,
)


class DisputeReason(models.TextChoices):
    WRONG_AMOUNT = "wrong_amount", _("The amount or quantity is wrong")
    NOT_RECEIVED = "not_received", _("The service was not delivered or not activated")
    NOT_ORDERED = "not_ordered", _("This was not ordered")
    DUPLICATE = "duplicate", _("Billed twice")
    CANCELLED_SERVICE = "cancelled_service", _("The service was cancelled")
    WRONG_DETAILS = "wrong_details", _("Wrong customer details, PO or tax number")
    OTHER = "other", _("Another reason")


class SupportRequest(models.Model):
    account = models.ForeignKey(CustomerAccount, on_delete=models.PROTECT, related_name="support_requests")
    kind = models.CharField(_("kind"), max_length=30, choices=RequestKind.choices)
    status = models.CharField(
        _("status"), max_length=30, choices=RequestStatus.choices, default=RequestStatus.SUBMITTED
    )
    subject = models.CharField(_("subject"), max_length=200)
    description = models.TextField(_("your message"), blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("opened by")
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assigned to"),
    )
    # The invoice a dispute, a late transfer or a service credit is about; the lines a partial dispute names.
    invoice = models.ForeignKey(
        Invoice, on_delete=models.PROTECT, null=True, blank=True, related_name="support_requests"
    )
    lines = models.ManyToManyField(
        InvoiceLine, blank=True, related_name="support_requests", verbose_name=_("contested lines")
    )
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    # dispute
    dispute_reason = models.CharField(_("reason"), max_length=30, choices=DisputeReason.choices, blank=True)
    contested_amount = models.DecimalField(_("amount contested"), **MONEY, null=True, blank=True)
    # PO number on future invoices
    po_number = models.CharField(_("purchase order number"), max_length=60, blank=True)
    po_value = models.DecimalField(_("purchase order value"), **MONEY, null=True, blank=True)
    po_valid_until = models.DateField(_("valid until"), null=True, blank=True)
    # new VAT / tax number
    tax_number = models.CharField(_("tax / VAT number"), max_length=40, blank=True)
    tax_country = models.CharField(_("country"), max_length=2, blank=True)
    # billing address or legal name change: the new values, as the customer typed them
    new_legal_name = models.CharField(_("new legal name"), max_length=200, blank=True)
    new_address = models.JSONField(_("new billing address"), default=dict, blank=True)
    # late bank transfer (seed: the invoice number, the payment date and the amount)
    payment_date = models.DateField(_("payment date"), null=True, blank=True)
    payment_amount = models.DecimalField(_("amount paid"), **MONEY, null=True, blank=True)
    remittance_advice = models.ForeignKey(
        RemittanceAdvice, on_delete=models.PROTECT, null=True, blank=True, related_name="support_requests"
    )
    # service credit, cancellation of services
    requested_amount = models.DecimalField(_("amount requested"), **MONEY, null=True, blank=True)
    services = models.CharField(_("services concerned"), max_length=300, blank=True)
    effective_date = models.DateField(_("from"), null=True, blank=True)

    # how staff closed it, and what that did
    outcome = models.CharField(_("outcome"), max_length=30, choices=Outcome.choices, blank=True)
    outcome_message = models.TextField(_("answer"), blank=True)
    credit_memo = models.ForeignKey(
        CreditMemo, on_delete=models.PROTECT, null=True, blank=True, related_name="support_requests"
    )
    new_invoice = models.ForeignKey(
        Invoice,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("new invoice"),
    )
    credit_payment = models.ForeignKey(
        Payment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("paid amount applied by"),
    )
    refund = models.ForeignKey(Refund, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("opened at"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # When the customer last spoke: the SLA age counts from here while staff owe an answer.
    waiting_since = models.DateTimeField(_("waiting for support since"), null=True, blank=True)

    class Meta:
        verbose_name = _("billing-support request")
        verbose_name_plural = _("billing-support requests")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="dispute") | Q(invoice__isnull=False),
                name="support_dispute_has_invoice",
                violation_error_message=_("A dispute must name the invoice it contests."),
            ),
            models.CheckConstraint(
                condition=Q(contested_amount__isnull=True) | Q(contested_amount__gt=0),
                name="support_contested_amount_positive",
                violation_error_message=_("The contested amount must be more than zero."),
            ),
            models.CheckConstraint(
                condition=Q(payment_amount__isnull=True) | Q(payment_amount__gt=0),
                name="support_payment_amount_positive",
                violation_error_message=_("The amount paid must be more than zero."),
            ),
            models.CheckConstraint(
                condition=Q(po_value__isnull=True) | Q(po_value__gt=0),
                name="support_po_value_positive",
                violation_error_message=_("The purchase order value must be more than zero."),
            ),
            models.CheckConstraint(
                condition=~Q(kind="po_number") | ~Q(po_number=""),
                name="support_po_request_has_number",
                violation_error_message=_("Enter the purchase order number."),
            ),
            models.CheckConstraint(
                condition=~Q(kind="tax_number") | ~Q(tax_number=""),
                name="support_tax_request_has_number",
                violation_error_message=_("Enter the new tax number."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=["resolved", "refused"], resolved_at__isnull=False, outcome__gt="")
                | Q(status__in=["submitted", "in_review", "waiting_for_customer"], outcome=""),
                name="support_closed_has_outcome",
                violation_error_message=_("A closed request needs its outcome, an open one has none."),
            ),
            # One dispute in progress per invoice: a second one joins the first.
            models.UniqueConstraint(
                fields=["invoice"],
                condition=Q(kind="dispute", status__in=["submitted", "in_review", "waiting_for_customer"]),
                name="support_one_open_dispute_per_invoice",
                violation_error_message=_("This invoice is already disputed: add to the open request."),
            ),
        ]
        indexes = [
            models.Index(fields=["account", "-created_at"]),
            models.Index(fields=["status", "kind", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.get_kind_display()}"

    @property
    def reference(self) -> str:
        return f"REQ-{self.pk:06d}" if self.pk else "REQ-new"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_dispute(self) -> bool:
        return self.kind == RequestKind.DISPUTE


class RequestMessage(models.Model):
    """One message of the conversation: the customer's words or staff's; internal notes stay with staff."""

    request = models.ForeignKey(SupportRequest, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    by_staff = models.BooleanField(_("from billing support"), default=False)
    internal = models.BooleanField(
        _("internal note"), default=False, help_text=_("Seen by staff only, never by the customer.")
    )
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("request message")
        verbose_name_plural = _("request messages")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(internal=False) | Q(by_staff=True),
                name="support_internal_note_by_staff",
                violation_error_message=_("Only billing support writes internal notes."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.request_id}: {self.body[:40]}"


def private_storage():
    """Attachments live in the private storage (core/storage.py): no URL, served only by an access-checked view."""
    return storages["private"]


def attachment_path(instance: RequestAttachment, filename: str) -> str:
    # Never the customer's file name on disk: the account, the request and a random name.
    return f"support/{instance.request.account_id}/{instance.request_id}/{instance.token}"


class RequestAttachment(models.Model):
    """A file sent with a message (a certificate, a remittance proof): checked by content, stored privately."""

    request = models.ForeignKey(SupportRequest, on_delete=models.CASCADE, related_name="attachments")
    message = models.ForeignKey(RequestMessage, on_delete=models.CASCADE, related_name="attachments")
    token = models.CharField(max_length=32, unique=True)
    file = models.FileField(_("file"), upload_to=attachment_path, storage=private_storage, max_length=200)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=40)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(size__gt=0, size__lte=MAX_ATTACHMENT_BYTES),
                name="support_attachment_size",
                violation_error_message=_("A file must be 10 MB or less."),
            ),
            models.CheckConstraint(
                condition=Q(content_type__in=ATTACHMENT_TYPES),
                name="support_attachment_type",
                violation_error_message=_("Only PDF, PNG and JPEG files are accepted."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class RequestEvent(models.Model):
    """One status change of a request: who moved it, when, and the outcome when it closed."""

    request = models.ForeignKey(SupportRequest, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=30, choices=RequestStatus.choices, blank=True)
    to_status = models.CharField(max_length=30, choices=RequestStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("request status change")
        verbose_name_plural = _("request status changes")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_status=F("to_status")),
                name="support_event_changes_status",
                violation_error_message=_("A status change must move the request to another status."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.request_id}: {self.from_status} → {self.to_status}"
