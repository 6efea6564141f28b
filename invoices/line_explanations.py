""" "Why this amount?" on an invoice line: the rule that made the amount and its arithmetic.

The billing plan that computes most lines lives in the orders app, above this one: orders registers an
explainer here in `OrdersConfig.ready()` (as payments registers its method policy in payment_ways.py). The
invoice page asks `invoice_line_explanations()` and shows what it is told; without a registered explainer
(or for an imported line no plan made), a line has no panel.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from invoices.models import InvoiceLine


@dataclass(frozen=True)
class LineExplanation:
    rule: str  # the rule's name, in the active language
    steps: tuple[str, ...]  # sentences with the customer's own numbers, in the active language
    link_url: str = ""  # where the whole plan is shown (the subscription page)
    link_label: str = ""


LineExplainer = Callable[[Sequence[InvoiceLine]], dict[int, LineExplanation]]
_explainers: list[LineExplainer] = []


def line_explainer_register(explainer: LineExplainer) -> None:
    if explainer not in _explainers:
        _explainers.append(explainer)


def invoice_line_explanations(*, lines: Sequence[InvoiceLine]) -> dict[int, LineExplanation]:
    """{invoice line id: explanation} for the lines some registered explainer knows (one query each)."""
    explanations: dict[int, LineExplanation] = {}
    for explainer in _explainers:
        explanations.update(explainer(lines))
    return explanations
