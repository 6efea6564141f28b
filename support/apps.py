from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportConfig(AppConfig):
    name = "support"
    verbose_name = _("Support")

    def ready(self) -> None:
        from invoices.credit_memo_document import credit_memo_details_register
        from support import permissions  # noqa: F401 — registers the support.* rules
        from support.documents import credit_memo_request_details
        from support.emails import support_email_builders_register

        support_email_builders_register()
        credit_memo_details_register(credit_memo_request_details)
