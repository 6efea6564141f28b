from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = _("Payments")

    def ready(self) -> None:
        # Registers the offline-payment email task with Celery (autodiscovery only imports payments.tasks).
        from payments import notices  # noqa: F401
