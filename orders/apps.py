"""Orders, subscriptions, billing plans (the schedule engine) and usage."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "orders"
    verbose_name = _("Orders")

    def ready(self) -> None:
        # The invoice page (invoices, a lower layer) shows "Why this amount?" on the lines a billing plan
        # made: it asks invoices.line_explanations, where this app registers how to explain them.
        from invoices.line_explanations import line_explainer_register
        from orders.explanations import invoice_lines_explain

        line_explainer_register(invoice_lines_explain)
