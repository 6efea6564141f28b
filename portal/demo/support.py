"""Demo data for billing support: who to talk to on each account, and the open dispute behind INV-US-1006."""

from __future__ import annotations

from accounts.models import AccountRepresentative, RepresentativeRole, User
from invoices.models import Invoice
from support.models import RequestKind, RequestMessage, RequestStatus, SupportRequest


def seed(context: dict) -> None:
    acme, lumiere = context["accounts"]["acme"], context["accounts"]["lumiere"]
    people = [
        (
            acme,
            RepresentativeRole.COLLECTOR,
            "Dana Collins",
            "dana.collins@vendor.example",
            "Mon–Fri 8:00–17:00 PT",
        ),
        (acme, RepresentativeRole.ACCOUNT_MANAGER, "Omar Haddad", "omar.haddad@vendor.example", ""),
        (
            lumiere,
            RepresentativeRole.COLLECTOR,
            "Claire Martin",
            "claire.martin@vendor.example",
            "Lun–ven 9 h–17 h (CET)",
        ),
    ]
    for account, role, name, email, hours in people:
        AccountRepresentative.objects.get_or_create(
            account=account, role=role, defaults={"name": name, "email": email, "hours": hours}
        )
    invoice = Invoice.objects.filter(number="INV-US-1006").first()
    opener = User.objects.filter(email="ap@acme.example").first()
    if invoice is None or opener is None or SupportRequest.objects.filter(invoice=invoice).exists():
        return
    # The demo invoice is disputed already (portal/demo/invoices.py): the request that explains it.
    dispute = SupportRequest.objects.create(
        account=acme,
        kind=RequestKind.DISPUTE,
        status=RequestStatus.IN_REVIEW,
        subject=f"{RequestKind.DISPUTE.label} — {invoice.number}",
        description="The storage line was billed for March although the service was stopped in February.",
        opened_by=opener,
        invoice=invoice,
        currency=invoice.currency,
        dispute_reason="cancelled_service",
        contested_amount=invoice.total,
        waiting_since=invoice.updated_at,
    )
    RequestMessage.objects.create(request=dispute, author=opener, body=dispute.description)
