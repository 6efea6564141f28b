from dataclasses import dataclass
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings


@dataclass(frozen=True)
class SiteIdentity:
    """What allauth's emails call `current_site`: the configured name and public host, never the host the
    request happened to come in on (django.contrib.sites is not installed; allauth would use the request's
    host: "Hello from 127.0.0.1:8000!")."""

    name: str
    domain: str


def site_identity() -> SiteIdentity:
    return SiteIdentity(name=settings.SITE_NAME, domain=urlsplit(settings.SITE_URL).netloc)


class AccountAdapter(DefaultAccountAdapter):
    """Sign-up is open: what a new person may see is decided by memberships, not by sign-up."""

    def get_login_redirect_url(self, request):
        return super().get_login_redirect_url(request)

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        # allauth's own callers put get_current_site(request) in the context too: ours wins.
        super().send_mail(template_prefix, email, {**context, "current_site": site_identity()})
