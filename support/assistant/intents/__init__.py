"""Intent handlers: `handler(asker, reading) -> Answer`, each reading the user's own account through the
selectors the pages use. HANDLERS maps the router's intents to them."""

from __future__ import annotations

from collections.abc import Callable

from support.assistant.answers import Answer, Asker
from support.assistant.text import Reading

Handler = Callable[[Asker, Reading], Answer]


def handlers() -> dict[str, Handler]:
    from support.assistant.intents import human, invoices, orders, rewards, team, transfers

    return {
        "balance": invoices.balance,
        "invoice_status": invoices.invoice_status,
        "invoice_why_amount": invoices.invoice_why_amount,
        "download_invoice": invoices.download_invoice,
        "transfer": transfers.transfer,
        "payment_methods": transfers.payment_methods,
        "pay": transfers.pay,
        "rewards_balance": rewards.rewards_balance,
        "rewards_expiry": rewards.rewards_expiry,
        "rewards_ineligible": rewards.rewards_ineligible,
        "order_status": orders.order_status,
        "billing_contact": team.billing_contact,
        "add_teammate": team.add_teammate,
        "dispute": human.dispute,
        "vat": human.vat,
        "po": human.po,
        "cancellation": human.cancellation,
        "refund": human.refund,
        "talk_to_human": human.talk_to_human,
    }
