from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RewardsConfig(AppConfig):
    name = "rewards"
    verbose_name = _("Rewards")

    def ready(self):
        from notifications.registry import builder_register
        from rewards.services.emails import RewardsEmailKind, rewards_email_build

        for kind in RewardsEmailKind:
            builder_register(kind=kind, builder=rewards_email_build)
