from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportConfig(AppConfig):
    name = "support"
    verbose_name = _("Support")

    def ready(self) -> None:
        from support import permissions  # noqa: F401 — registers the support.* rules
        from support.emails import support_email_builders_register

        support_email_builders_register()
