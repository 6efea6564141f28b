import os
import subprocess
import sys
from pathlib import Path

from django.urls import reverse

from tests.invoices.factories import InvoiceFactory

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "x" * 64 + "-not-a-real-secret-but-long-and-random-enough-for-the-check",
    "DJANGO_ALLOWED_HOSTS": "billing.example.com",
    "SITE_URL": "https://billing.example.com",
    "DEFAULT_FROM_EMAIL": "Example Billing <billing@example.com>",
    "BILLING_SUPPORT_EMAIL": "billing-support@example.com",
    "DATABASE_URL": "postgres://portal@db.internal:5432/portal",
    "REDIS_URL": "redis://redis.internal:6379/0",
    "EMAIL_URL": "smtp+tls://mailer:secret@smtp.example.com:587",
    "STRIPE_API_BASE": "https://api.stripe.com",
    "STRIPE_SECRET_KEY": "sk_live_x",
    "STRIPE_PUBLISHABLE_KEY": "pk_live_x",
    "STRIPE_WEBHOOK_SECRET": "whsec_x",
    "PAYPAL_API_BASE": "https://api-m.paypal.com",
    "PAYPAL_CLIENT_ID": "id",
    "PAYPAL_CLIENT_SECRET": "secret",
    "PAYPAL_WEBHOOK_ID": "WH-1",
}


def run_manage(*args, env):
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_", "PORTAL_"))
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_its_secrets():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "DJANGO_SECRET_KEY"}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_dashboard_shows_real_balance_overdue_count_and_next_due_date(client_of, billing_contact, account):
    import datetime

    from django.utils import timezone

    today = timezone.localdate()
    InvoiceFactory(account=account, issue_date=today - datetime.timedelta(days=40))  # overdue, 1 200.00
    InvoiceFactory(account=account, issue_date=today - datetime.timedelta(days=5), subtotal=500, tax=0)
    InvoiceFactory(account=account, amount_due=0)  # closed: not counted
    response = client_of(billing_contact).get(reverse("dashboard"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "$1,700.00" in body
    assert 'data-testid="overdue"' in body
    overdue_block = body.split('data-testid="overdue"')[1].split("</div>")[0]
    assert ">1<" in overdue_block
    next_due = today - datetime.timedelta(days=5) + datetime.timedelta(days=30)
    assert next_due.strftime("%m/%d/%Y") in body


def test_dashboard_empty_state_when_nothing_is_due(client_of, billing_contact):
    body = client_of(billing_contact).get(reverse("dashboard")).content.decode()
    assert 'data-testid="all-paid"' in body


def test_dashboard_is_translated_to_french(client_of, billing_contact, account):
    InvoiceFactory(account=account)
    client = client_of(billing_contact)
    response = client.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE="fr")
    body = response.content.decode()
    assert "Solde dû" in body
    assert "1\u202f200,00\xa0$US" in body


def test_healthz_answers_ok(client, db):
    assert client.get("/healthz").json()["status"] == "ok"
