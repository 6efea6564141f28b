import gc

from django.apps import AppConfig
from django.db.models.signals import post_migrate

from portal import GC_THRESHOLDS


def ensure_billing_support_group(sender, **kwargs):
    from accounts.services import billing_support_group_ensure

    billing_support_group_ensure()


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Customer Center"

    def ready(self):
        # `portal` is listed after every app that holds models, so their permissions exist by now.
        post_migrate.connect(ensure_billing_support_group, sender=self)
        gc.freeze()  # start-up's objects (portal/__init__.py): never collected, and shared after a fork
        gc.set_threshold(*GC_THRESHOLDS)
