"""The account's activity log: recorded actions, the Activity page (filters, pages), CSV export."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import ActivityEntry
from accounts.services import activity_record
from tests.factories import staff_sign_in, staff_user

pytestmark = pytest.mark.django_db


def record(account, actor, action, summary, days_ago=0):
    entry = activity_record(account=account, actor=actor, action=action, summary=summary)
    ActivityEntry.objects.filter(pk=entry.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=days_ago)
    )
    return entry


def test_the_activity_page_lists_the_accounts_entries_only(
    client_of, billing_contact, account, outsider, other_account
):
    record(account, billing_contact, "payment.succeeded", "Paid INV-1")
    record(other_account, outsider, "payment.succeeded", "Paid SECRET-9")
    body = client_of(billing_contact).get(reverse("team_activity")).content.decode()
    assert "Paid INV-1" in body
    assert "Payment succeeded" in body
    assert "SECRET-9" not in body


def test_the_activity_page_filters_by_action_person_and_dates(client_of, billing_contact, payer, account):
    record(account, billing_contact, "invitation.sent", "Invited A", days_ago=10)
    record(account, payer, "payment.started", "Started B", days_ago=3)
    record(account, payer, "payment.succeeded", "Paid C", days_ago=1)
    client = client_of(billing_contact)

    body = client.get(reverse("team_activity"), {"action": "payment.started"}).content.decode()
    assert "Started B" in body and "Paid C" not in body and "Invited A" not in body

    body = client.get(reverse("team_activity"), {"actor": payer.email}).content.decode()
    assert "Started B" in body and "Paid C" in body and "Invited A" not in body

    start = (timezone.localdate() - datetime.timedelta(days=5)).isoformat()
    end = (timezone.localdate() - datetime.timedelta(days=2)).isoformat()
    body = client.get(reverse("team_activity"), {"date_from": start, "date_to": end}).content.decode()
    assert "Started B" in body and "Paid C" not in body and "Invited A" not in body


def test_the_activity_page_is_paginated_by_25(client_of, billing_contact, account):
    for n in range(30):
        record(account, billing_contact, "invoice.downloaded", f"Downloaded INV-{n:03d}")
    client = client_of(billing_contact)
    first = client.get(reverse("team_activity")).content.decode()
    assert first.count("Downloaded INV-") == 25
    assert "Page 1 of 2" in first
    second = client.get(reverse("team_activity"), {"page": 2}).content.decode()
    assert second.count("Downloaded INV-") == 5


def test_the_csv_export_follows_the_filters_and_defuses_formulas(client_of, billing_contact, payer, account):
    record(account, payer, "payment.failed", '=HYPERLINK("http://evil")')
    record(account, billing_contact, "invitation.sent", "Invited someone")
    response = client_of(billing_contact).get(reverse("team_activity_export"), {"action": "payment.failed"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["Date (UTC)", "Person", "Action"]
    assert len(rows) == 2
    assert rows[1][1] == payer.email
    assert rows[1][2] == "Payment failed"
    assert rows[1][3].startswith("'=")


@pytest.mark.parametrize("role", ["payer", "viewer"])
def test_only_the_billing_contact_reads_the_activity(client_of, account, billing_contact, role):
    from tests.factories import MembershipFactory

    client = client_of(MembershipFactory(account=account, role=role).user)
    assert client.get(reverse("team_activity")).status_code == 403
    assert client.get(reverse("team_activity_export")).status_code == 403


def test_activity_entries_cannot_be_edited():
    entry = activity_record(account=None, actor=None, action="x", summary="y")
    entry.summary = "changed"
    with pytest.raises(ValueError, match="append-only"):
        entry.save()


def test_staff_see_the_activity_in_the_admin_read_only(client, account, billing_contact):
    admin_client = staff_sign_in(client, staff_user(superuser=True, support_group=False))
    record(account, billing_contact, "member.removed", "Removed someone")
    response = admin_client.get(reverse("admin:accounts_activityentry_changelist"))
    assert "Removed someone" in response.content.decode()
    assert admin_client.get(reverse("admin:accounts_activityentry_add")).status_code == 403
