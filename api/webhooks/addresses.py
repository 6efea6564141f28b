"""Where a webhook may be sent: a public HTTPS address, never one inside our network.

Checked when the endpoint is registered and again before every delivery (a DNS name can change what it
resolves to): every address the name resolves to must be public. Loopback (http or https) is allowed only
where settings.WEBHOOK_ALLOW_LOOPBACK is on, i.e. the developer mode. Redirects are never followed.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _


class UnsafeEndpoint(ValueError):
    """The URL may not receive webhooks; the message is safe to show."""


def _addresses(host: str, port: int) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise UnsafeEndpoint(_("The address %(host)s cannot be resolved.") % {"host": host}) from error
    found = []
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%")[0])
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped  # ::ffff:10.0.0.1 is 10.0.0.1
        found.append(address)
    return found


def endpoint_url_check(url: str) -> None:
    """Raise UnsafeEndpoint unless `url` may receive webhooks now."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.scheme not in ("https", "http") or not host:
        raise UnsafeEndpoint(_("Enter an https:// URL."))
    if parts.username or parts.password:
        raise UnsafeEndpoint(_("The URL cannot contain a user name or password."))
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise UnsafeEndpoint(_("The port of this URL is not valid.")) from None
    addresses = _addresses(host, port)
    loopback_allowed = settings.WEBHOOK_ALLOW_LOOPBACK
    if loopback_allowed and addresses and all(address.is_loopback for address in addresses):
        return
    if parts.scheme != "https":
        raise UnsafeEndpoint(_("Enter an https:// URL."))
    for address in addresses:
        if not address.is_global or address.is_multicast:
            raise UnsafeEndpoint(
                _(
                    "%(host)s resolves to a private, loopback or link-local address: webhooks go to public addresses only."
                )
                % {"host": host}
            )
