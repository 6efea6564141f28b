"""Questions a person must answer: the right request form, pre-filled; "talk to someone" files a request
with the conversation (support.assistant.services.assistant_escalate, through a button that posts)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from payments.selectors import account_credit_summary
from support.assistant.answers import Answer, Asker, Link, money
from support.assistant.lookup import invoice_named, typed_invoice_number
from support.assistant.requests import request_form_url
from support.assistant.text import Reading


def _form_answer(intent: str, asker: Asker, *, kind: str, text: str, article: str, **initial: str) -> Answer:
    url = request_form_url(kind, **initial)
    links = [Link(_("Open the request form"), url)] if url else []
    if not asker.may("support.file_request"):
        text += " " + _("Your role can read requests but not file them: the billing contact or a payer can.")
    if not url:
        text += " " + _("Write to %(email)s meanwhile.") % {"email": settings.BILLING_SUPPORT_EMAIL}
    links.append(Link(_("Read more"), reverse("help_article", args=[article])))
    return Answer(intent=intent, text=text, links=links, form_url=url, article_slug=article)


def dispute(asker: Asker, reading: Reading) -> Answer:
    invoice = invoice_named(asker, reading)
    typed = typed_invoice_number(reading)
    if invoice is not None:
        text = _(
            "To dispute invoice %(number)s, the form below is filled in with it: say which lines or amount you "
            "contest and why, and attach your documents. Reminders pause while billing support reviews it."
        ) % {"number": invoice.number}
        return _form_answer(
            "dispute", asker, kind="dispute", text=text, article="disputes", invoice=invoice.number
        )
    if typed:
        text = _(
            "%(account)s has no invoice %(number)s that I can find. Choose the invoice you contest in the "
            "form below."
        ) % {"number": typed, "account": asker.account.legal_name}
    else:
        text = _("To dispute an invoice, choose it in the form below, then say what you contest and why.")
    return _form_answer("dispute", asker, kind="dispute", text=text, article="disputes")


def vat(asker: Asker, reading: Reading) -> Answer:
    text = _(
        "A new VAT or tax number is set by billing support: the form asks for the number and its country; "
        "attach the VAT certificate where one exists."
    )
    return _form_answer("vat", asker, kind="tax_number", text=text, article="vat-and-billing-details")


def po(asker: Asker, reading: Reading) -> Answer:
    text = _(
        "Billing support can print a purchase order number on your next invoices: the form asks for the PO "
        "number, its value and until when it is valid."
    )
    return _form_answer("po", asker, kind="po_number", text=text, article="po-number")


def cancellation(asker: Asker, reading: Reading) -> Answer:
    text = _(
        "To cancel services, file a cancellation request naming the services and the date; billing support "
        "or your sales representative confirm what happens to the invoices still to come."
    )
    return _form_answer(
        "cancellation", asker, kind="cancellation", text=text, article="cancellation-and-service-credits"
    )


def refund(asker: Asker, reading: Reading) -> Answer:
    credits = [row for row in account_credit_summary(account=asker.account) if row.amount > 0]
    if credits:
        amounts = ", ".join(money(row.amount, row.currency) for row in credits)
        return Answer(
            intent="refund",
            text=_(
                "Your account holds %(amounts)s of credit from overpayments. From the Payments page you can apply "
                "it to open invoices or ask for its refund."
            )
            % {"amounts": amounts},
            links=[Link(_("Payments and account credit"), reverse("payments:index"))],
            figures={"credit": [row.amount for row in credits]},
            article_slug="overpayment-refund",
        )
    invoice = invoice_named(asker, reading)
    text = _(
        "Your account holds no credit to refund. If you paid twice or too much and it does not show yet, "
        "tell billing support with the invoice number, the date and the amount."
    )
    return _form_answer(
        "refund",
        asker,
        kind="other",
        text=text,
        article="overpayment-refund",
        subject=_("Refund request"),
        invoice=invoice.number if invoice else "",
    )


def talk_to_human(asker: Asker, reading: Reading) -> Answer:
    if not asker.may("support.file_request"):
        return Answer(
            intent="talk_to_human",
            text=_(
                "Your role can read the account's requests but not file one: ask the billing contact or a payer, "
                "or write to %(email)s."
            )
            % {"email": settings.BILLING_SUPPORT_EMAIL},
            article_slug="contact-billing-support",
        )
    return Answer(
        intent="talk_to_human",
        text=_(
            "I can hand this conversation to billing support: they answer in the portal, usually by the next "
            "business day. Send it?"
        ),
        links=[
            Link(_("Send this conversation to billing support"), reverse("assistant_escalate"), method="post")
        ],
        article_slug="contact-billing-support",
    )
