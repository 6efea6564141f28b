from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = _("Payments")

    def ready(self) -> None:
        from notifications.registry import builder_register
        from payments.notices import BUILDERS, payment_notice_build
        from payments.services.online_emails import PaymentEmailKind, payment_email_build

        for kind in BUILDERS:
            builder_register(kind=kind, builder=payment_notice_build)
        for kind in PaymentEmailKind:
            builder_register(kind=kind, builder=payment_email_build)
