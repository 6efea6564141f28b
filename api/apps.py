"""The REST API (OpenAPI), personal access tokens and outbound webhooks."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = _("API")

    def ready(self) -> None:
        # The lower apps (invoices, payments, rewards, notifications) can't import api: webhook events are
        # recorded by receivers of their models' post_save, in the writer's transaction (api/webhooks/hooks.py).
        from api import auth  # noqa: F401 — registers the OpenAPI description of the Bearer scheme
        from api.webhooks.hooks import hooks_connect
        from api.webhooks.services import DISABLED_EMAIL_KIND, disabled_email_build
        from notifications.registry import builder_register

        hooks_connect()
        builder_register(kind=DISABLED_EMAIL_KIND, builder=disabled_email_build)
