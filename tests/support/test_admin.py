"""Billing support's queue in the admin: filters, SLA age, assignment, reply, resolve (issue 13)."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from accounts.models import ActivityEntry
from invoices.models import InvoiceState
from support.models import RequestKind, RequestStatus
from support.services import request_open
from tests.factories import staff_sign_in, staff_user
from tests.invoices.factories import InvoiceFactory, InvoiceLineFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(db):
    return staff_user()


@pytest.fixture
def staff_client(client, staff):
    return staff_sign_in(client, staff)


def test_queue_lists_requests_with_their_sla_age_and_filters(staff_client, account, billing_contact):
    with time_machine.travel(datetime.datetime(2026, 11, 10, 9, 0, tzinfo=datetime.UTC), tick=False):
        old = request_open(account=account, user=billing_contact, kind=RequestKind.OTHER, description="Old")
    with time_machine.travel(datetime.datetime(2026, 11, 13, 9, 0, tzinfo=datetime.UTC), tick=False):
        new = request_open(
            account=account, user=billing_contact, kind=RequestKind.PO_NUMBER, fields={"po_number": "PO-1"}
        )
        url = reverse("admin:support_supportrequest_changelist")
        page = staff_client.get(url).content.decode()
        assert old.reference in page and new.reference in page
        assert "3 d 0 h" in page  # the old one is late (over two days)
        late = staff_client.get(url, {"age": "2d"}).content.decode()
        assert old.reference in late and new.reference not in late
        by_kind = staff_client.get(url, {"kind__exact": "po_number"}).content.decode()
        assert new.reference in by_kind and old.reference not in by_kind


def test_staff_assign_reply_and_resolve_with_a_credit_memo(staff_client, staff, account, billing_contact):
    invoice = InvoiceFactory(account=account, subtotal=Decimal("1500.00"), tax=Decimal("0.00"))
    InvoiceLineFactory(invoice=invoice, position=1, amount=Decimal("1000.00"), tax=Decimal("0.00"))
    contested = InvoiceLineFactory(invoice=invoice, position=2, amount=Decimal("500.00"), tax=Decimal("0.00"))
    req = request_open(
        account=account,
        user=billing_contact,
        kind=RequestKind.DISPUTE,
        invoice=invoice,
        lines=[contested],
        description="Ligne facturée deux fois.",
    )
    change = reverse("admin:support_supportrequest_change", args=[req.pk])
    page = staff_client.get(change).content.decode()
    assert "Ligne facturée deux fois." in page and 'id="support-resolve"' in page

    staff_client.post(
        reverse("admin:support_supportrequest_assign", args=[req.pk]), {"assigned_to": staff.pk}
    )
    staff_client.post(
        reverse("admin:support_supportrequest_reply", args=[req.pk]),
        {"body": "Nous vérifions la commande.", "wait_for_customer": ""},
    )
    req.refresh_from_db()
    assert req.assigned_to == staff and req.status == RequestStatus.IN_REVIEW
    assert req.messages.filter(by_staff=True).count() == 1

    response = staff_client.post(
        reverse("admin:support_supportrequest_resolve", args=[req.pk]),
        {
            "outcome": "credit_memo",
            "amount": "",
            "new_invoice": "",
            "message": "Avoir pour la ligne en double.",
        },
    )
    assert response.status_code == 302
    req.refresh_from_db()
    invoice.refresh_from_db()
    assert req.status == RequestStatus.RESOLVED
    assert req.credit_memo.amount == Decimal("500.00")
    assert invoice.state == InvoiceState.ISSUED and invoice.amount_due == Decimal("1000.00")
    actions = set(ActivityEntry.objects.filter(account=account).values_list("action", flat=True))
    assert {
        "support.request_opened",
        "invoice.disputed",
        "support.request_assigned",
        "support.request_message",
        "invoice.credited",
        "support.request_closed",
    } <= actions
    assert ActivityEntry.objects.filter(action="support.request_message", by_vendor_support=True).exists()


def test_an_internal_note_is_not_shown_to_the_customer(staff_client, account, billing_contact, client_of):
    req = request_open(account=account, user=billing_contact, kind=RequestKind.OTHER, description="Question")
    staff_client.post(
        reverse("admin:support_supportrequest_reply", args=[req.pk]),
        {"body": "Note interne secrète", "internal": "on"},
    )
    assert req.messages.filter(internal=True).exists()
    page = client_of(billing_contact).get(reverse("support:detail", args=[req.pk])).content.decode()
    assert "Note interne secrète" not in page


def test_representatives_are_managed_by_staff_and_shown_on_help_and_overdue_invoices(
    staff_client, account, billing_contact, client_of
):
    response = staff_client.post(
        reverse("admin:accounts_accountrepresentative_add"),
        {
            "account": account.pk,
            "role": "collector",
            "name": "Claire Martin",
            "email": "claire.martin@vendor.test",
            "phone": "",
            "hours": "Lun–ven 9 h–17 h (CET)",
        },
    )
    assert response.status_code == 302
    customer = client_of(billing_contact)
    assert "claire.martin@vendor.test" in customer.get(reverse("help")).content.decode()
    with time_machine.travel(datetime.datetime(2026, 11, 16, 10, 0, tzinfo=datetime.UTC), tick=False):
        overdue = InvoiceFactory(
            account=account, issue_date=datetime.date(2026, 9, 1), due_date=datetime.date(2026, 10, 1)
        )
        current = InvoiceFactory(account=account, issue_date=datetime.date(2026, 11, 1))
        page = customer.get(reverse("invoices:detail", args=[overdue.number])).content.decode()
        assert "Claire Martin" in page and "Lun–ven 9 h–17 h (CET)" in page
        assert (
            "Claire Martin"
            not in customer.get(reverse("invoices:detail", args=[current.number])).content.decode()
        )
