from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InvoicesConfig(AppConfig):
    name = "invoices"
    verbose_name = _("Invoices")

    def ready(self):
        from invoices.emails import EmailKind, invoice_email_build
        from notifications.registry import builder_register

        for kind in EmailKind:
            # The PDF attached is rendered ahead, on the render queue, and kept per invoice version.
            builder_register(kind=kind, builder=invoice_email_build, render_ahead=True)
