from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts and access")

    def ready(self):
        from accounts import signals  # noqa: F401
        from accounts.invitations import INVITATION_EMAIL, invitation_email_build
        from notifications.registry import builder_register

        builder_register(kind=INVITATION_EMAIL, builder=invitation_email_build)
