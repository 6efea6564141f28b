"""Transfers (the business-day rule), the payment methods of an invoice (the policy) and paying."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.selectors import billing_contacts_of
from core.business_days import transfer_business_days, transfer_schedule
from payments.models import PaymentMethod
from payments.policy import card_thresholds, invoice_payment_options, payment_options
from payments.selectors import remittance_advices_for_invoice
from support.assistant.answers import Answer, Asker, Link, day, money
from support.assistant.intents.invoices import unknown_invoice
from support.assistant.lookup import invoice_named, typed_invoice_number
from support.assistant.requests import request_form_url
from support.assistant.text import Reading


def _rule_sentence() -> str:
    arrival, closing = transfer_business_days()
    return ngettext(
        "A bank transfer takes up to %(arrival)s business days to reach us, and the invoice closes "
        "%(closing)s business day later.",
        "A bank transfer takes up to %(arrival)s business days to reach us, and the invoice closes "
        "%(closing)s business days later.",
        closing,
    ) % {"arrival": arrival, "closing": closing}


def transfer(asker: Asker, reading: Reading) -> Answer:
    invoice = invoice_named(asker, reading)
    if invoice is None and typed_invoice_number(reading):
        return unknown_invoice("transfer", asker, reading)
    country = asker.account.country
    article = Link(_("How transfers are applied"), reverse("help_article", args=["transfer-timing"]))
    if invoice is None:
        schedule = transfer_schedule(
            paid_on=reading.dates[0] if reading.dates else asker.today, country=country
        )
        return Answer(
            intent="transfer",
            text=_rule_sentence()
            + " "
            + _(
                "Sent on %(paid)s, a transfer reaches us by %(arrives)s and the invoice is closed by %(closed)s."
            )
            % {
                "paid": day(schedule.paid_on),
                "arrives": day(schedule.arrives_by),
                "closed": day(schedule.reflected_by),
            },
            links=[article],
            figures={"arrives_by": schedule.arrives_by, "reflected_by": schedule.reflected_by},
            article_slug="transfer-timing",
        )
    values = {"number": invoice.number}
    invoice_link = Link(
        _("Open invoice %(number)s") % values, reverse("invoices:detail", args=[invoice.number])
    )
    if invoice.amount_due <= 0:
        return Answer(
            intent="transfer",
            text=_("Invoice %(number)s is already closed: nothing is left to pay on it.") % values,
            links=[invoice_link],
            figures={"amount_due": invoice.amount_due},
        )
    announced = [
        row
        for row in remittance_advices_for_invoice(invoice=invoice, today=asker.today)
        if row.advice.status == "announced"
    ]
    if reading.dates or not announced:
        paid_on = reading.dates[0] if reading.dates else asker.today
        schedule = transfer_schedule(paid_on=paid_on, country=country)
        late = schedule.support_offered_on(asker.today)
        advice = None
    else:
        row = announced[-1]
        schedule, late, advice = row.schedule, row.support_offered, row.advice
    values.update(
        paid=day(schedule.paid_on),
        arrives=day(schedule.arrives_by),
        closed=day(schedule.reflected_by),
        balance=money(invoice.amount_due, invoice.currency),
    )
    if advice is not None:
        values["amount"] = money(advice.amount, advice.currency)
        text = (
            _(
                "You announced a transfer of %(amount)s on %(paid)s for invoice %(number)s. It should reach us by "
                "%(arrives)s and the invoice be closed by %(closed)s."
            )
            % values
        )
    else:
        text = (
            _(
                "For invoice %(number)s (balance %(balance)s), a transfer sent on %(paid)s reaches us by "
                "%(arrives)s and the invoice is closed by %(closed)s."
            )
            % values
        )
    text += " " + _rule_sentence()
    links = [invoice_link]
    form_url = ""
    if late:
        text += " " + _(
            "That date has passed and the invoice is still open: ask billing support to look for the payment "
            "(the form is filled in with the invoice, the date and the amount)."
        )
        amount = (
            advice.amount
            if advice is not None
            else (reading.amounts[0] if reading.amounts else invoice.amount_due)
        )
        form_url = request_form_url(
            "late_transfer",
            invoice=invoice.number,
            payment_date=schedule.paid_on.isoformat(),
            payment_amount=f"{amount:.2f}",
        )
        if form_url:
            links.insert(0, Link(_("Report a transfer not applied"), form_url))
    elif advice is None:
        links.append(
            Link(_("Announce your transfer"), reverse("payments:remittance_advice", args=[invoice.number]))
        )
    return Answer(
        intent="transfer",
        text=text,
        links=links,
        figures={
            "arrives_by": schedule.arrives_by,
            "reflected_by": schedule.reflected_by,
            "paid_on": schedule.paid_on,
        },
        form_url=form_url,
    )


def _method_names(methods: list[str], offline: bool) -> list[str]:
    names = [str(PaymentMethod(method).label) for method in methods]
    if offline:
        names.append(_("bank transfer, ACH credit or cheque, with the bank details printed on the invoice"))
    return names


def payment_methods(asker: Asker, reading: Reading) -> Answer:
    invoice = invoice_named(asker, reading)
    if invoice is None and typed_invoice_number(reading):
        return unknown_invoice("payment_methods", asker, reading)
    thresholds = card_thresholds(currency=invoice.currency if invoice else asker.account.currency)
    figures: dict = {}
    if thresholds:
        figures = {"card_limit": thresholds.max_amount, "card_only_below": thresholds.card_only_below}
    if invoice is not None:
        options = invoice_payment_options(invoice=invoice)
        values = {
            "number": invoice.number,
            "balance": money(invoice.amount_due or invoice.total, invoice.currency),
        }
        text = _("For invoice %(number)s (%(balance)s) you can use:") % values
        links = [
            Link(_("Open invoice %(number)s") % values, reverse("invoices:detail", args=[invoice.number]))
        ]
    else:
        amount = thresholds.card_only_below if thresholds else Decimal("0")
        options = payment_options(
            country=asker.account.country,
            currency=asker.account.currency,
            amount=amount,
            invoice_balances=[amount],
        )
        text = _("In your country and currency (%(currency)s), invoices can be paid with:") % {
            "currency": asker.account.currency
        }
        links = [Link(_("Payment methods"), reverse("help_article", args=["payment-methods"]))]
        if thresholds:
            options.notes.append(
                _(
                    "A card payment is limited to %(limit)s; below %(threshold)s, the card is the only method "
                    "where cards are accepted, and several invoices cannot be combined to pass that line."
                )
                % {
                    "limit": money(thresholds.max_amount, thresholds.currency),
                    "threshold": money(thresholds.card_only_below, thresholds.currency),
                }
            )
    items = _method_names(options.methods, options.offline) or [_("no method: see the note below")]
    items += [str(note) for note in options.notes]
    if not asker.may("accounts.pay"):
        items.append(_("Your role lets you see invoices, not pay them: the billing contact or a payer can."))
    figures["methods"] = list(options.methods) + (["offline"] if options.offline else [])
    return Answer(
        intent="payment_methods",
        text=text,
        items=items,
        links=links,
        figures=figures,
        article_slug="card-limits",
    )


def _who_can_pay(asker: Asker) -> tuple[str, list[str]]:
    contacts = billing_contacts_of(account=asker.account)
    emails = [user.email for user in contacts]
    names = ", ".join(f"{user.get_full_name() or user.email} ({user.email})" for user in contacts)
    return names, emails


def pay(asker: Asker, reading: Reading) -> Answer:
    invoice = invoice_named(asker, reading)
    if invoice is None and typed_invoice_number(reading):
        return unknown_invoice("pay", asker, reading)
    if not asker.may("accounts.pay"):
        names, emails = _who_can_pay(asker)
        return Answer(
            intent="pay",
            text=_(
                "Your role on %(account)s lets you see and download invoices, not pay them. The billing contact "
                "can pay, or make you a payer: %(names)s."
            )
            % {"account": asker.account.legal_name, "names": names or _("billing support can tell you who")},
            figures={"billing_contacts": emails},
            article_slug="team-and-roles",
        )
    if invoice is None:
        return Answer(
            intent="pay",
            text=_("Open Invoices, tick the invoices to pay (same currency) and choose Pay."),
            links=[Link(_("Invoices"), reverse("invoices:index"))],
            article_slug="how-to-pay",
        )
    values = {"number": invoice.number, "balance": money(invoice.amount_due, invoice.currency)}
    if not invoice.can_be_paid():
        return Answer(
            intent="pay",
            text=_("Invoice %(number)s cannot be paid now: it is %(status)s.")
            % {**values, "status": invoice.get_status_display().lower()},
            links=[
                Link(_("Open invoice %(number)s") % values, reverse("invoices:detail", args=[invoice.number]))
            ],
            figures={"amount_due": invoice.amount_due},
        )
    return Answer(
        intent="pay",
        text=_("Invoice %(number)s has %(balance)s to pay. The pay page offers the methods that apply to it.")
        % values,
        links=[Link(_("Pay %(number)s") % values, f"{reverse('payments:pay')}?invoice={invoice.number}")],
        figures={"amount_due": invoice.amount_due},
    )
