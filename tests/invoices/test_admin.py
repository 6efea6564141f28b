from decimal import Decimal

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from invoices.emails import EmailKind
from invoices.models import CreditMemo, Invoice, InvoiceState
from notifications.models import OutboxEmail
from tests.factories import staff_sign_in, staff_user
from tests.invoices.factories import DraftInvoiceFactory, InvoiceFactory, InvoiceLineFactory

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:invoices_invoice_changelist")


@pytest.fixture
def staff(client):
    return staff_sign_in(client, staff_user())


@pytest.mark.parametrize("term", ["INV-US-1001", "Acme", "C-100200", "PO-7781", "ORD-55012"])
def test_staff_find_invoices_by_number_account_po_and_order(staff, term):
    from tests.factories import CustomerAccountFactory

    account = CustomerAccountFactory(legal_name="Acme Industries Inc.", customer_number="C-100200")
    invoice = InvoiceFactory(account=account, number="INV-US-1001", po_number="PO-7781")
    InvoiceLineFactory(invoice=invoice, order_number="ORD-55012")
    InvoiceFactory(number="INV-OTHER")
    response = staff.get(CHANGELIST, {"q": term})
    assert [row.number for row in response.context["cl"].result_list] == ["INV-US-1001"]


def test_invoice_change_page_shows_lines_applied_amounts_memos_and_dispatches(staff):
    invoice = InvoiceFactory()
    InvoiceLineFactory(invoice=invoice)
    response = staff.get(reverse("admin:invoices_invoice_change", args=[invoice.pk]))
    assert response.status_code == 200
    names = [formset.opts.model.__name__ for formset in response.context["inline_admin_formsets"]]
    assert names == ["InvoiceLine", "Allocation", "CreditMemo", "OutboxEmail"]


def test_issue_action_issues_drafts_and_emails_them(staff, django_capture_on_commit_callbacks, mailoutbox):
    draft = DraftInvoiceFactory()
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(CHANGELIST, {"action": "issue_selected", ACTION_CHECKBOX_NAME: [draft.pk]})
    draft.refresh_from_db()
    assert draft.state == InvoiceState.ISSUED and len(mailoutbox) == 1


def test_resend_action_sends_the_invoice_again(staff, django_capture_on_commit_callbacks, mailoutbox):
    invoice = InvoiceFactory()
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(CHANGELIST, {"action": "resend_selected", ACTION_CHECKBOX_NAME: [invoice.pk]})
    assert OutboxEmail.objects.get(object_id=invoice.pk).kind == EmailKind.RESEND
    assert len(mailoutbox) == 1


def test_cancel_action_asks_a_reason_then_credits_the_balance(staff):
    invoice = InvoiceFactory(subtotal=Decimal("850.00"), tax=Decimal("170.00"))
    confirm = staff.post(CHANGELIST, {"action": "cancel_selected", ACTION_CHECKBOX_NAME: [invoice.pk]})
    assert confirm.status_code == 200 and "Reason" in confirm.content.decode()
    staff.post(
        CHANGELIST,
        {
            "action": "cancel_selected",
            ACTION_CHECKBOX_NAME: [invoice.pk],
            "confirm": "1",
            "reason": "Ordered twice",
        },
    )
    invoice.refresh_from_db()
    assert invoice.state == InvoiceState.CANCELLED and invoice.amount_due == 0
    assert CreditMemo.objects.get(invoice=invoice).amount == Decimal("1020.00")


def test_staff_cannot_delete_an_invoice_or_edit_an_issued_ones_amounts(staff):
    invoice = InvoiceFactory()
    assert staff.get(reverse("admin:invoices_invoice_delete", args=[invoice.pk])).status_code == 403
    staff.post(
        reverse("admin:invoices_invoice_change", args=[invoice.pk]), {"total": "1.00", "amount_due": "0"}
    )
    invoice.refresh_from_db()
    assert invoice.total == Decimal("1200.00") and Invoice.objects.filter(pk=invoice.pk).exists()


def test_cancel_without_a_reason_says_so(staff):
    """Issue 11, item 5: the cancel form sent without a reason showed no error."""
    invoice = InvoiceFactory(subtotal=Decimal("850.00"), tax=Decimal("170.00"))
    for reason in ("", "   "):
        response = staff.post(
            CHANGELIST,
            {
                "action": "cancel_selected",
                ACTION_CHECKBOX_NAME: [invoice.pk],
                "confirm": "1",
                "reason": reason,
            },
        )
        body = response.content.decode()
        assert response.status_code == 200
        assert 'class="errornote"' in body and "This field is required." in body
    invoice.refresh_from_db()
    assert invoice.state != InvoiceState.CANCELLED


def test_an_invalid_invoice_in_the_add_form_reads_as_a_sentence_not_a_constraint_name(staff):
    from tests.factories import CustomerAccountFactory

    account = CustomerAccountFactory()
    page = staff.get(reverse("admin:invoices_invoice_add"))
    data = {
        "number": "INV-BAD-1",
        "account": account.pk,
        "kind": page.context["adminform"].form.fields["kind"].choices[1][0],
        "issue_date": "2026-03-10",
        "payment_terms_days": "30",
        "due_date": "2026-03-01",
        "currency": "EUR",
        "subtotal": "100.00",
        "tax": "20.00",
        "total": "120.00",
        "language": "en",
    }
    for inline in page.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management.initial.get(name, 0)
        data[management.add_prefix("TOTAL_FORMS")] = 0

    response = staff.post(reverse("admin:invoices_invoice_add"), data)

    assert response.status_code == 200
    text = response.content.decode()
    assert "The due date cannot be before the issue date." in text
    assert "invoice_due_after_issue" not in text
    assert not Invoice.objects.filter(number="INV-BAD-1").exists()
