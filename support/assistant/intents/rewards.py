"""Support Rewards: balance, next expiry and its amount, why an invoice cannot take rewards."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from rewards.eligibility import (
    EXCLUSION_MESSAGES,
    VALIDITY_MONTHS,
    account_exclusion_reason,
    invoice_exclusion_reason,
)
from rewards.selectors import (
    refused_lines,
    rewards_account_for_user,
    rewards_applicable_amount,
    rewards_payable_invoices,
    rewards_summary,
)
from support.assistant.answers import Answer, Asker, Link, day, money
from support.assistant.intents.invoices import unknown_invoice
from support.assistant.lookup import invoice_named, typed_invoice_number
from support.assistant.text import Reading


def _not_enrolled(intent: str, asker: Asker) -> Answer:
    reason = account_exclusion_reason(asker.account)
    text = (
        str(EXCLUSION_MESSAGES[reason])
        if reason
        else _(
            "The account %(account)s is not enrolled in Support Rewards: your sales representative can enrol it."
        )
        % {"account": asker.account.legal_name}
    )
    return Answer(intent=intent, text=text, article_slug="rewards-overview")


def _summary_answer(intent: str, asker: Asker) -> Answer:
    rewards_account = rewards_account_for_user(user=asker.user, account=asker.account)
    if rewards_account is None:
        return _not_enrolled(intent, asker)
    summary = rewards_summary(rewards_account=rewards_account, today=asker.today)
    currency = summary.currency
    values = {
        "balance": money(summary.balance, currency),
        "months": VALIDITY_MONTHS,
    }
    link = Link(_("Rewards and their lots"), reverse("rewards:index"))
    figures = {
        "balance": summary.balance,
        "next_expiry": summary.next_expiry,
        "next_expiry_amount": summary.next_expiry_amount,
    }
    if summary.next_expiry is None:
        return Answer(
            intent=intent,
            text=_("Your Support Rewards balance is %(balance)s: no rewards are waiting to expire.") % values,
            links=[link],
            figures=figures,
        )
    values.update(date=day(summary.next_expiry), amount=money(summary.next_expiry_amount, currency))
    if intent == "rewards_expiry":
        text = (
            _(
                "Your next Support Rewards to expire are %(amount)s, on %(date)s. Your balance is %(balance)s in all; "
                "rewards stay valid %(months)s months after they are deposited and the ones expiring first are "
                "used first."
            )
            % values
        )
    else:
        text = (
            _("Your Support Rewards balance is %(balance)s. The next to expire are %(amount)s, on %(date)s.")
            % values
        )
    return Answer(intent=intent, text=text, links=[link], figures=figures, article_slug="rewards-expiry")


def rewards_balance(asker: Asker, reading: Reading) -> Answer:
    return _summary_answer("rewards_balance", asker)


def rewards_expiry(asker: Asker, reading: Reading) -> Answer:
    return _summary_answer("rewards_expiry", asker)


def rewards_ineligible(asker: Asker, reading: Reading) -> Answer:
    invoice = invoice_named(asker, reading)
    if invoice is None and typed_invoice_number(reading):
        return unknown_invoice("rewards_ineligible", asker, reading)
    rules_link = Link(
        _("Which invoices rewards pay"), reverse("help_article", args=["rewards-eligible-invoices"])
    )
    if invoice is None:
        payable = rewards_payable_invoices(user=asker.user, account=asker.account, limit=5)
        items = [
            _("%(number)s: up to %(amount)s") % {"number": inv.number, "amount": money(amount, inv.currency)}
            for inv, amount in payable
        ]
        return Answer(
            intent="rewards_ineligible",
            text=(
                _(
                    "Support Rewards pay the pre-tax support of Technology Programs renewal invoices. These invoices can take them now:"
                )
                if items
                else _(
                    "Support Rewards pay the pre-tax support of Technology Programs renewal invoices; none of yours can take them now."
                )
            ),
            items=items,
            links=[rules_link],
            figures={"payable": [amount for _inv, amount in payable]},
            article_slug="rewards-eligible-invoices",
        )
    values = {"number": invoice.number}
    invoice_link = Link(
        _("Open invoice %(number)s") % values, reverse("invoices:detail", args=[invoice.number])
    )
    reason = invoice_exclusion_reason(invoice)
    if reason:
        return Answer(
            intent="rewards_ineligible",
            text=_("Support Rewards cannot pay invoice %(number)s: %(reason)s")
            % {**values, "reason": reason},
            items=[why for _product, why in refused_lines(invoice=invoice)],
            links=[invoice_link, rules_link],
            figures={"applicable": 0},
            article_slug="rewards-eligible-invoices",
        )
    applicable = rewards_applicable_amount(invoice=invoice)
    values["amount"] = money(applicable, invoice.currency)
    refused = [why for _product, why in refused_lines(invoice=invoice)]
    text = (
        _(
            "Support Rewards can pay up to %(amount)s of invoice %(number)s (its support before tax, less what rewards already paid)."
        )
        if applicable > 0
        else _(
            "Support Rewards can pay nothing more on invoice %(number)s: its eligible support is already paid."
        )
    ) % values
    links = [invoice_link]
    if applicable > 0 and asker.may("accounts.redeem_rewards"):
        links.insert(
            0,
            Link(
                _("Redeem rewards on %(number)s") % values, reverse("rewards:redeem", args=[invoice.number])
            ),
        )
    return Answer(
        intent="rewards_ineligible",
        text=text,
        items=refused,
        links=links,
        figures={"applicable": applicable},
        article_slug="rewards-eligible-invoices",
    )
