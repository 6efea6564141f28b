"""Issue 10, item 8: production unless the developer mode is asked for, every production variable required,
signed-in pages never cached, a stricter CSP, __Host- cookies, and the site's name in emails.

Production settings are loaded for real, in `manage.py` subprocesses with a production environment (the
machine's own DJANGO_*, DATABASE_*, REDIS_* and PORTAL_* variables removed).
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
from django.core import mail
from django.urls import reverse

from tests.invoices.factories import InvoiceFactory
from tests.portal.test_settings_and_pages import PRODUCTION_ENV, run_manage

ROOT = Path(__file__).resolve().parents[2]

REQUIRED_IN_PRODUCTION = [
    "DJANGO_SECRET_KEY",
    "DJANGO_ALLOWED_HOSTS",
    "SITE_URL",
    "DATABASE_URL",
    "REDIS_URL",
    "EMAIL_URL",
    "DEFAULT_FROM_EMAIL",
    "BILLING_SUPPORT_EMAIL",
    "STRIPE_SECRET_KEY",
    "STRIPE_PUBLISHABLE_KEY",
    "STRIPE_WEBHOOK_SECRET",
    "PAYPAL_CLIENT_ID",
    "PAYPAL_CLIENT_SECRET",
    "PAYPAL_WEBHOOK_ID",
]

PRINT_SETTINGS = (
    "from django.conf import settings as s; "
    "print(s.DEBUG, s.SECRET_KEY == 'dev-only-insecure-key-never-used-in-production', "
    "s.SESSION_COOKIE_NAME, s.SESSION_COOKIE_SECURE, s.SESSION_COOKIE_PATH, s.SESSION_COOKIE_DOMAIN, "
    "s.CSRF_COOKIE_NAME, s.CSRF_COOKIE_SECURE, s.CSRF_COOKIE_PATH, s.CSRF_COOKIE_DOMAIN)"
)


def without(*names: str) -> dict[str, str]:
    return {key: value for key, value in PRODUCTION_ENV.items() if key not in names}


# --- production by default ------------------------------------------------------------------------------


def test_without_django_debug_the_settings_are_production_and_check_deploy_is_clean():
    env = without("DJANGO_DEBUG")
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
    printed = run_manage("shell", "-v", "0", "-c", PRINT_SETTINGS, env=env)
    assert printed.returncode == 0, printed.stderr
    debug, development_key, *_ = printed.stdout.split()
    assert (debug, development_key) == ("False", "False")


def test_with_nothing_set_startup_refuses_instead_of_using_the_development_secret_key():
    result = run_manage("check", env={})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


@pytest.mark.parametrize("name", REQUIRED_IN_PRODUCTION)
def test_production_refuses_to_start_without_each_required_variable(name):
    result = run_manage("check", env=without(name))
    assert result.returncode != 0, f"started without {name}"
    assert name in result.stderr


def test_production_refuses_a_site_url_that_is_not_https():
    result = run_manage("check", env={**PRODUCTION_ENV, "SITE_URL": "http://billing.example.com"})
    assert result.returncode != 0
    assert "SITE_URL must be an https:// URL" in result.stderr


# --- the developer mode is asked for ----------------------------------------------------------------------


def test_tests_run_in_the_developer_mode_from_the_test_configuration(settings):
    assert settings.PRODUCTION is False  # (pytest-django sets DEBUG to False while a test runs)
    assert os.environ["DJANGO_DEBUG"] == "1"  # set before settings load: subprocesses inherit it


@pytest.mark.worker
def test_the_celery_worker_the_tests_start_inherits_the_developer_mode(celery_worker):
    queue = celery_worker["queue"]
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().split(b"\0")
            environ = (proc / "environ").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"worker" in cmdline and queue.encode() in b",".join(cmdline).split(b","):
            assert b"DJANGO_DEBUG=1" in environ
            return
    pytest.fail(f"no worker process for queue {queue}")


def test_make_run_asks_for_the_developer_mode():
    dry_run = subprocess.run(
        ["make", "-n", "-B", "run"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    django_commands = [
        line for line in dry_run.splitlines() if "manage.py" in line or "portal.devserver" in line
    ]
    assert django_commands, dry_run
    assert all("DJANGO_DEBUG=1" in line for line in django_commands), django_commands


def test_the_development_server_starts_everything_in_the_developer_mode(monkeypatch):
    from portal import devserver

    monkeypatch.delenv("DJANGO_DEBUG", raising=False)
    assert devserver.child_env()["DJANGO_DEBUG"] == "1"


def test_the_docker_image_and_compose_run_production():
    dockerfile = (ROOT / "Dockerfile").read_text()
    compose = (ROOT / "docker-compose.yml").read_text()
    assert "DJANGO_DEBUG=1" not in dockerfile and 'DJANGO_DEBUG: "1"' not in compose
    assert 'DJANGO_DEBUG: "0"' in compose
    for name in REQUIRED_IN_PRODUCTION:
        if name not in ("DATABASE_URL", "REDIS_URL"):  # compose builds these from its own services
            assert re.search(rf"{name}: \$\{{{name}:\?", compose), f"compose does not require {name}"


# --- cookies ----------------------------------------------------------------------------------------------


def test_production_session_and_csrf_cookies_are_host_prefixed():
    printed = run_manage("shell", "-v", "0", "-c", PRINT_SETTINGS, env=PRODUCTION_ENV)
    assert printed.returncode == 0, printed.stderr
    _, _, session_name, session_secure, session_path, session_domain, *csrf = printed.stdout.split()
    assert (session_name, session_secure, session_path, session_domain) == (
        "__Host-sessionid",
        "True",
        "/",
        "None",
    )
    assert csrf == ["__Host-csrftoken", "True", "/", "None"]


def test_production_sets_the_csrf_cookie_with_the_host_prefix_rules():
    """A real answer of the sign-in page under production settings (it needs no database)."""
    script = (
        "from django.test import Client, override_settings; "
        "plain = {'BACKEND': 'django.contrib.staticfiles.storage.StaticFilesStorage'}; "  # not collected here
        "o = override_settings(STORAGES={'default': plain, 'staticfiles': plain}); o.enable(); "
        "r = Client().get('/account/login/', secure=True, headers={'host': 'billing.example.com'}); "
        "print(r.status_code); print(r.cookies['__Host-csrftoken'].output())"
    )
    printed = run_manage("shell", "-v", "0", "-c", script, env=PRODUCTION_ENV)
    assert printed.returncode == 0, printed.stderr
    status, cookie = printed.stdout.strip().splitlines()
    assert status == "200"
    assert cookie.startswith("Set-Cookie: __Host-csrftoken=")
    assert "; Secure" in cookie and "; Path=/" in cookie and "Domain" not in cookie


# --- headers of signed-in pages ---------------------------------------------------------------------------


def cache_control(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",")}


@pytest.mark.django_db
def test_signed_in_pages_are_private_and_never_stored(client_of, billing_contact, account):
    client = client_of(billing_contact)
    invoice = InvoiceFactory(account=account)
    for url in (
        reverse("dashboard"),
        reverse("invoices:index"),
        reverse("invoices:detail", args=[invoice.number]),
        reverse("invoices:export"),
        reverse("team"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert {"private", "no-store"} <= cache_control(response), (url, response.get("Cache-Control"))
        assert "public" not in cache_control(response)


@pytest.mark.django_db
def test_a_signed_in_redirect_is_not_stored_either(client_of, billing_contact):
    response = client_of(billing_contact).post(reverse("account_switch"), {"account": 0})
    assert {"private", "no-store"} <= cache_control(response)


def test_the_csp_restricts_base_uri_and_form_action(client, db):
    policy = client.get(reverse("account_login"))["Content-Security-Policy"]
    directives = dict((part.strip().split(" ", 1) + [""])[:2] for part in policy.split(";") if part.strip())
    assert directives["base-uri"] == "'self'"
    form_action = directives["form-action"].split()
    assert form_action[0] == "'self'"
    # Besides ourselves, only PayPal's approval page (the pay form's answer redirects there).
    from django.conf import settings

    assert form_action[1:] == [settings.PAYPAL_API_BASE]


# --- the site's name in emails ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_sign_up_email_says_the_site_name_not_the_request_host(client, settings):
    settings.SITE_NAME = "Example Billing"
    settings.SITE_URL = "https://billing.example.com"
    client.post(
        reverse("account_signup"),
        {
            "email": "new@example.test",
            "password1": "A-long-pass-phrase-42",
            "password2": "A-long-pass-phrase-42",
        },
        headers={"host": "127.0.0.1"},
        SERVER_NAME="127.0.0.1",
    )
    body = mail.outbox[-1].body
    assert "Hello from Example Billing!" in body
    assert "Thank you for using Example Billing!\nbilling.example.com" in body
    assert "Hello from 127.0.0.1" not in body


@pytest.mark.django_db
def test_password_reset_email_says_the_site_name(client, billing_contact, settings):
    settings.SITE_NAME = "Example Billing"
    client.post(reverse("account_reset_password"), {"email": billing_contact.email})
    message = mail.outbox[-1]
    assert "Hello from Example Billing!" in message.body
    assert "Thank you for using Example Billing!" in message.body
    assert message.subject.startswith("[Customer Center] ")  # ACCOUNT_EMAIL_SUBJECT_PREFIX, from SITE_NAME


def test_the_default_site_name_is_customer_center(settings):
    assert settings.SITE_NAME == "Customer Center"
    assert settings.ACCOUNT_EMAIL_SUBJECT_PREFIX == "[Customer Center] "
    assert settings.MFA_TOTP_ISSUER == "Customer Center"
