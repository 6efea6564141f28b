from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = _("Payments")

    def ready(self) -> None:
        # Registers the offline-payment email task with Celery (autodiscovery only imports payments.tasks).
        # The invoice page, its PDF and the invoice admin ask the method policy through invoices.payment_ways,
        # and read what paid an invoice through invoices.selectors (invoices may not import payments).
        from invoices.payment_ways import payment_ways_policy_register
        from invoices.selectors import applied_source_register
        from payments import notices  # noqa: F401
        from payments.policy import invoice_payment_ways
        from payments.selectors import allocation_applied_entries, invoices_with_allocations_applied

        applied_source_register(
            entries=allocation_applied_entries, annotate=invoices_with_allocations_applied
        )
        payment_ways_policy_register(invoice_payment_ways)
