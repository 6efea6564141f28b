"""Helpers shared by the team tests: read the invitation link from the outbox."""

import re

from django.core import mail

LINK = re.compile(r"https?://[^\s\"<]+/accounts/invitations/\d+/[0-9a-f]+/")


def last_invitation_path() -> str:
    url = LINK.search(mail.outbox[-1].body).group(0)
    return "/" + url.split("://", 1)[1].split("/", 1)[1]
