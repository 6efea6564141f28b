from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RewardsConfig(AppConfig):
    name = "rewards"
    verbose_name = _("Rewards")

    def ready(self) -> None:
        from notifications.registry import builder_register
        from payments.signals import allocation_reversed, reissue_rewards_carried
        from rewards import receivers
        from rewards.services.emails import RewardsEmailKind, rewards_email_build

        allocation_reversed.connect(
            receivers.return_reversed_rewards_to_their_lots, dispatch_uid="rewards-return"
        )
        reissue_rewards_carried.connect(
            receivers.reapply_rewards_to_the_reissue, dispatch_uid="rewards-reapply"
        )
        for kind in RewardsEmailKind:
            builder_register(kind=kind, builder=rewards_email_build)
