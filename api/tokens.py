"""Personal access tokens: create (shown once), revoke, authenticate, and log their use.

A token reads as `cc_<prefix>_<secret>`; only the SHA-256 of the whole string is stored. It acts for the
billing contact who made it, on one account, with a role no higher than theirs: if that person's role
drops below the token's, or they leave the account, the token no longer works (see `token_authenticate`).

Logging every request would flood the activity log (an ERP polls every minute): a use is logged at most
once per TOKEN_USE_LOG_INTERVAL per token, and `last_used_at` is written at most once per
LAST_USED_PRECISION. Both are conditional UPDATEs, so concurrent requests log once.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import CustomerAccount, Membership, Role, User
from accounts.services import activity_record
from api.models import ROLE_RANK, TOKEN_ROLE_NEEDS, AccessToken, TokenRole

TOKEN_PREFIX = "cc_"
TOKEN_USE_LOG_INTERVAL = datetime.timedelta(minutes=15)
LAST_USED_PRECISION = datetime.timedelta(minutes=1)
MAX_TOKENS_PER_ACCOUNT = 50

TOKEN_CREATED = "api.token_created"
TOKEN_REVOKED = "api.token_revoked"
TOKEN_USED = "api.token_used"


class TokenError(Exception):
    """A token request that breaks a rule; the message is safe to show."""


@dataclass(frozen=True)
class NewToken:
    token: AccessToken
    secret: str  # the only time the full token exists outside the client


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def token_role_allowed(*, user_role: str | None, token_role: str) -> bool:
    if user_role is None:
        return False
    return ROLE_RANK[Role(user_role)] >= ROLE_RANK[TOKEN_ROLE_NEEDS[TokenRole(token_role)]]


def token_create(
    *,
    account: CustomerAccount,
    user: User,
    name: str,
    role: str,
    expires_at: datetime.datetime | None = None,
    request=None,
) -> NewToken:
    """A billing contact makes a token for `account`; the secret is returned once and never stored."""
    membership = Membership.objects.filter(account=account, user=user).first()
    if membership is None or membership.role != Role.BILLING_CONTACT:
        raise TokenError(_("Only a billing contact can create API tokens."))
    if role not in TokenRole.values or not token_role_allowed(user_role=membership.role, token_role=role):
        raise TokenError(_("A token cannot have more access than you."))
    now = timezone.now()
    if expires_at is not None and expires_at <= now:
        raise TokenError(_("The expiry date must be in the future."))
    with transaction.atomic():
        CustomerAccount.objects.select_for_update().get(pk=account.pk)
        if (
            AccessToken.objects.filter(account=account, revoked_at__isnull=True).count()
            >= MAX_TOKENS_PER_ACCOUNT
        ):
            raise TokenError(_("This account has too many tokens: revoke one first."))
        prefix = secrets.token_hex(4)
        secret = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
        token = AccessToken.objects.create(
            account=account,
            user=user,
            name=name.strip()[:100],
            role=role,
            prefix=f"{TOKEN_PREFIX}{prefix}",
            key_hash=token_hash(secret),
            created_at=now,
            expires_at=expires_at,
        )
        activity_record(
            account=account,
            actor=user,
            action=TOKEN_CREATED,
            params={"name": token.name, "prefix": token.prefix, "access": role},
            target=token.prefix,
            request=request,
        )
    return NewToken(token=token, secret=secret)


@transaction.atomic
def token_revoke(*, token: AccessToken, user: User, request=None) -> AccessToken:
    """Revoke a token now; revoking it again is a no-op."""
    locked = AccessToken.objects.select_for_update().get(pk=token.pk)
    if locked.revoked_at is not None:
        return locked
    locked.revoked_at = timezone.now()
    locked.revoked_by = user
    locked.save(update_fields=["revoked_at", "revoked_by"])
    activity_record(
        account=locked.account,
        actor=user,
        action=TOKEN_REVOKED,
        params={"name": locked.name, "prefix": locked.prefix},
        target=locked.prefix,
        request=request,
    )
    return locked


def token_authenticate(*, raw: str, now: datetime.datetime | None = None) -> AccessToken | None:
    """The usable token for `raw`, or None (unknown, revoked, expired, or its maker no longer allowed)."""
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 100:
        return None
    now = now or timezone.now()
    token = AccessToken.objects.select_related("account", "user").filter(key_hash=token_hash(raw)).first()
    if token is None or not token.is_usable(now) or not token.user.is_active:
        return None
    user_role = (
        Membership.objects.filter(account_id=token.account_id, user_id=token.user_id)
        .values_list("role", flat=True)
        .first()
    )
    if not token_role_allowed(user_role=user_role, token_role=token.role):
        return None
    return token


def token_use_record(*, token: AccessToken, request=None, now: datetime.datetime | None = None) -> None:
    """Note that `token` was used: `last_used_at` (to the minute) and, at most every 15 minutes, the log."""
    now = now or timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        AccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    due = Q(last_logged_at__isnull=True) | Q(last_logged_at__lte=now - TOKEN_USE_LOG_INTERVAL)
    if token.last_logged_at is not None and now - token.last_logged_at < TOKEN_USE_LOG_INTERVAL:
        return
    with transaction.atomic():
        if not AccessToken.objects.filter(due, pk=token.pk).update(last_logged_at=now):
            return  # another request logged this interval
        token.last_logged_at = now
        activity_record(
            account=token.account,
            actor=token.user,
            action=TOKEN_USED,
            params={"name": token.name, "prefix": token.prefix},
            target=token.prefix,
            details={"path": request.path[:200]} if request is not None else None,
            request=request,
        )
