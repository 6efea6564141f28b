from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = _("Payments")

    def ready(self) -> None:
        # The invoice page, its PDF and the invoice admin ask the method policy through invoices.payment_ways,
        # and read what paid an invoice through invoices.selectors (invoices may not import payments).
        from invoices.payment_ways import payment_ways_policy_register
        from invoices.selectors import applied_source_register
        from notifications.registry import builder_register
        from payments.notices import BUILDERS, payment_notice_build
        from payments.policy import invoice_payment_ways
        from payments.selectors import allocation_applied_entries, invoices_with_allocations_applied
        from payments.services.online_emails import PaymentEmailKind, payment_email_build

        applied_source_register(
            entries=allocation_applied_entries, annotate=invoices_with_allocations_applied
        )
        payment_ways_policy_register(invoice_payment_ways)
        for notice_kind in BUILDERS:
            builder_register(kind=notice_kind, builder=payment_notice_build)
        for email_kind in PaymentEmailKind:
            builder_register(kind=email_kind, builder=payment_email_build)
