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


# --- codes and parameters, read in the reader's language (issue 11, item 1) ------------------------------


def test_an_entry_reads_in_the_readers_language_with_formatted_money(client_of, billing_contact, account):
    activity_record(
        account=account,
        actor=billing_contact,
        action="payment.allocated",
        params={"amount": "1500.25", "currency": "EUR", "payment": "PAY-7", "invoice": "INV-9"},
    )
    client = client_of(billing_contact)
    english = client.get(reverse("team_activity"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "€1,500.25 of PAY-7 applied to INV-9." in english
    assert "Payment applied" in english
    french = client.get(reverse("team_activity"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "1\u202f500,25\xa0€ du paiement PAY-7 imputé sur INV-9." in french
    assert "Paiement imputé" in french
    for page in (english, french):
        assert "payment.allocated" not in page.replace('value="payment.allocated"', "")
        assert "1500.25" not in page


def test_the_csv_export_is_in_the_readers_language(client_of, billing_contact, account):
    activity_record(
        account=account,
        actor=billing_contact,
        action="rewards.deposited",
        params={"amount": "42.50", "currency": "EUR", "month": "2026-03"},
    )
    response = client_of(billing_contact).get(reverse("team_activity_export"), HTTP_ACCEPT_LANGUAGE="fr")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:4] == ["Date (UTC)", "Personne", "Action", "Détails"]
    assert rows[1][2] == "Récompenses Support versées"
    assert rows[1][3] == "42,50\xa0€ de Récompenses Support gagnées en mars 2026 versées."


def test_an_unknown_code_or_an_old_entry_shows_its_stored_summary(client_of, billing_contact, account):
    record(account, billing_contact, "legacy.thing", "Something happened long ago")
    body = (
        client_of(billing_contact).get(reverse("team_activity"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    )
    assert "Something happened long ago" in body
    assert "legacy.thing" not in body.replace('value="legacy.thing"', "")


def test_the_log_filters_by_kind_of_event_in_plain_words(client_of, billing_contact, account):
    activity_record(
        account=account, actor=billing_contact, action="auth.signed_in", params={"person": "a@x.example"}
    )
    activity_record(
        account=account,
        actor=billing_contact,
        action="payment.succeeded",
        params={"payment": "PAY-1", "amount": "10.00", "currency": "EUR", "method": "card"},
    )
    client = client_of(billing_contact)
    body = client.get(reverse("team_activity"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert '<option value="payments">Paiements</option>' in body
    assert '<option value="sign-ins">Connexions</option>' in body
    body = client.get(
        reverse("team_activity"), {"kind": "payments"}, HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "PAY-1: €10.00 received by Card." in body
    assert "a@x.example signed in" not in body


def test_every_recorded_code_has_a_label_and_a_sentence():
    """Scan the code for the actions it records: each one is listed, labelled and translated."""
    import re
    from pathlib import Path

    from django.utils import translation

    from accounts import activity

    root = Path(__file__).resolve().parents[2]
    codes = set()
    for app in ("accounts", "invoices", "payments", "rewards", "checkout", "support", "api"):
        for path in (root / app).rglob("*.py"):
            text = path.read_text()
            codes |= set(re.findall(r'action="([a-z_]+\.[a-z_.]+)"', text))
            codes |= set(re.findall(r'"(autopay\.disabled)"', text))
    constants = {v for k, v in vars(activity).items() if k.isupper() and isinstance(v, str) and "." in v}
    missing = (codes | constants) - set(activity.EVENTS)
    assert not missing
    for code, event in activity.EVENTS.items():
        for text in [event.label, event.sentence, *event.variants.values()]:
            with translation.override("en"):
                english = str(text)
            with translation.override("fr"):
                assert str(text) != english, (code, english)


def test_a_sign_in_is_recorded_on_the_account_the_user_works_in_only(account, other_account):
    from allauth.account.models import EmailAddress

    from tests.factories import MembershipFactory

    member = MembershipFactory(account=account, role="billing_contact").user
    MembershipFactory(account=other_account, role="payer", user=member)
    member.set_password("a long test passphrase 42")
    member.save()
    EmailAddress.objects.update_or_create(
        user=member, email=member.email, defaults={"verified": True, "primary": True}
    )
    from django.test import Client

    from accounts.middleware import SESSION_KEY

    client = Client()
    session = client.session
    session[SESSION_KEY] = other_account.pk
    session.save()
    response = client.post(
        reverse("account_login"), {"login": member.email, "password": "a long test passphrase 42"}
    )
    assert response.status_code == 302
    signed_in = ActivityEntry.objects.filter(action="auth.signed_in", actor=member)
    assert list(signed_in.values_list("account", flat=True)) == [other_account.pk]


def test_the_migration_reads_old_summaries_into_parameters():
    import importlib

    migration = importlib.import_module("accounts.migrations.0006_activity_entry_params")
    params = migration.legacy_params(
        "payment.allocated", "1500.25 EUR of PAY-1 applied to INV-2", {"method": "card"}
    )
    assert params == {
        "amount": "1500.25",
        "currency": "EUR",
        "payment": "PAY-1",
        "invoice": "INV-2",
        "method": "card",
    }
    assert migration.legacy_params(
        "rewards.deposited", "3.00 EUR of Support Rewards earned in 2026-01 deposited", {}
    ) == {
        "amount": "3.00",
        "currency": "EUR",
        "month": "2026-01",
    }
    assert migration.legacy_params("payment.allocated", "something else", {}) is None
    assert migration.legacy_params("made.up", "x", {}) is None
