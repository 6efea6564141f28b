"""`{% load payments_online %}{% payment_processing_badge invoice %}`: the "payment processing" mark of an
invoice while a direct debit for it is in flight (one query; for lists use invoice_amounts_held in bulk)."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from payments.providers.messages import provider_message_display
from payments.services.online import invoice_amounts_held

register = template.Library()


@register.simple_tag
def payment_processing_badge(invoice) -> str:
    held = invoice_amounts_held(invoices=[invoice]).get(invoice.pk)
    if not held:
        return ""
    return format_html(
        '<span class="badge badge--processing" data-testid="payment-processing">{}</span>',
        _("Payment processing"),
    )


@register.simple_tag
def invoices_with_payment_processing(invoices) -> set[int]:
    """Ids of the invoices of a list page that a payment in flight covers: one query for the whole page."""
    return set(invoice_amounts_held(invoices=list(invoices)))


@register.filter
def provider_message(message: str) -> str:
    """A provider's decline reason in the reader's language when we know its wording."""
    return provider_message_display(message)
