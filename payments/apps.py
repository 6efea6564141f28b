from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = _("Payments")

    def ready(self) -> None:
        # Registers the offline-payment email task with Celery (autodiscovery only imports payments.tasks).
        # The invoice page, its PDF and the invoice admin ask the method policy through invoices.payment_ways
        # (invoices may not import payments).
        from invoices.payment_ways import payment_ways_policy_register
        from payments import notices  # noqa: F401
        from payments.policy import invoice_payment_ways

        payment_ways_policy_register(invoice_payment_ways)
