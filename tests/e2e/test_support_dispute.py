"""Browser, in French: the billing contact disputes two lines of an invoice with a PDF attached; billing
support replies and resolves with a credit memo in the admin; the customer sees the memo and the new
balance (issue 13)."""

import re
from decimal import Decimal

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.urls import reverse
from playwright.sync_api import expect

from invoices.models import CreditMemo
from support.models import SupportRequest
from tests.e2e.test_accessibility import serious_violations
from tests.factories import PASSWORD, staff_user
from tests.invoices.factories import InvoiceFactory, InvoiceLineFactory
from tests.security.test_staff_mfa import totp_code

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _staff_page(browser, live_server):
    staff = staff_user(totp=False, email="agent@vendor.test")
    secret = generate_totp_secret()
    TOTP.activate(staff, secret)
    context = browser.new_context(locale="en-US")
    page = context.new_page()
    page.goto(f"{live_server.url}/account/login/")
    page.locator("input[name=login]").fill(staff.email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("input[name=password]").press("Enter")
    page.wait_for_url("**/2fa/**")
    page.locator("input[name=code]").fill(totp_code(secret))
    page.locator("input[name=code]").press("Enter")
    page.wait_for_url(lambda url: "/2fa/" not in url and "/login/" not in url)
    return context, page


def test_billing_contact_disputes_two_lines_and_sees_the_credit_memo_in_french(
    sign_in, billing_contact, account, live_server, browser, artifacts_dir
):
    invoice = InvoiceFactory(account=account, subtotal=Decimal("3000.00"), tax=Decimal("0.00"))
    for position, product in enumerate(["Base de données", "Stockage objet", "Sauvegarde"], start=1):
        InvoiceLineFactory(
            invoice=invoice,
            position=position,
            description=product,
            amount=Decimal("1000.00"),
            tax=Decimal("0.00"),
        )
    page = sign_in(billing_contact)
    page.get_by_role("button", name="Français").click()

    page.goto(f"{live_server.url}{reverse('invoices:detail', args=[invoice.number])}")
    page.get_by_test_id("dispute").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Contester une facture")
    page.get_by_label("Stockage objet").check()
    page.get_by_label("Sauvegarde").check()
    page.get_by_label("Motif").select_option("duplicate")
    page.get_by_label("Votre message").fill("Ces deux services sont déjà facturés sur la facture précédente.")
    page.get_by_label("Fichiers (PDF, PNG ou JPEG ; 5 au plus, 10 Mo chacun)").set_input_files(
        files=[{"name": "facture-precedente.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    assert not serious_violations(page)
    page.get_by_test_id("submit-request").click()

    req = SupportRequest.objects.get()
    page.wait_for_url(f"**{reverse('support:detail', args=[req.pk])}")
    expect(page.get_by_text(f"Votre demande {req.reference} a été transmise")).to_be_visible()
    expect(page.get_by_test_id("thread")).to_contain_text("facture-precedente.pdf")
    expect(page.locator(".badge").first).to_have_text("Envoyée")
    assert req.contested_amount == Decimal("2000.00")
    assert not serious_violations(page)

    staff_context, staff = _staff_page(browser, live_server)
    staff.goto(f"{live_server.url}{reverse('admin:support_supportrequest_change', args=[req.pk])}")
    expect(staff.locator("body")).to_contain_text("Ces deux services sont déjà facturés")
    staff.locator("#support-reply textarea[name=body]").fill(
        "Nous avons vérifié : les deux lignes sont en double."
    )
    staff.locator("#support-reply input[type=submit]").click()
    expect(staff.locator(".messagelist")).to_contain_text("Message recorded.")
    staff.locator("#support-resolve select[name=outcome]").select_option("credit_memo")
    staff.locator("#support-resolve textarea[name=message]").fill("Un avoir est émis pour les deux lignes.")
    staff.locator("#support-resolve input[type=submit]").click()
    expect(staff.locator(".messagelist")).to_contain_text("Request closed")
    staff_context.close()

    memo = CreditMemo.objects.get(invoice=invoice)
    page.reload()
    expect(page.get_by_test_id("thread")).to_contain_text("les deux lignes sont en double")
    expect(page.locator(".badge").first).to_have_text("Résolue")
    expect(page.get_by_test_id("memo-link")).to_have_text(memo.number)
    expect(page.get_by_test_id("invoice-balance")).to_have_text(re.compile(r"1\s000,00\s\$US"))
    page.screenshot(path=artifacts_dir / "support-dispute-resolved-fr.png", full_page=True)

    page.goto(f"{live_server.url}{reverse('invoices:detail', args=[invoice.number])}")
    expect(page.get_by_test_id("credit-memos")).to_contain_text(memo.number)
    expect(page.get_by_test_id("amount-due")).to_have_text(re.compile(r"1\s000,00\s\$US"))
    page.goto(f"{live_server.url}{reverse('support:documents')}")
    expect(page.get_by_test_id("documents")).to_contain_text(memo.number)
    with page.expect_download() as download:
        page.get_by_role("link", name=memo.number).click(modifiers=["Alt"])
    assert download.value.suggested_filename == f"{memo.number}.pdf"
