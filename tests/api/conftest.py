"""API test helpers: a token for a member, a client that sends it."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient


@pytest.fixture
def make_token(db):
    """`make_token(user, account, role="read_only", **fields)`: a usable token (its raw secret as `.raw`)."""
    from api.tokens import token_create

    def make(user, account, role="read_only", expires_at=None):
        from accounts.models import Membership, Role

        membership = Membership.objects.get(user=user, account=account)
        maker = user
        if (
            membership.role != Role.BILLING_CONTACT
        ):  # a token acting for a payer or viewer: made, then reassigned
            from tests.factories import MembershipFactory

            maker = MembershipFactory(account=account, role=Role.BILLING_CONTACT).user
        created = token_create(account=account, user=maker, name="ERP", role=role, expires_at=expires_at)
        token = created.token
        if maker != user:
            type(token).objects.filter(pk=token.pk).update(user=user)
            token.refresh_from_db()
        token.raw = created.secret
        return token

    return make


@pytest.fixture
def api_client():
    """`api_client(token=None)`: DRF's test client, with `Authorization: Bearer <token>` when given."""

    def make(token=None):
        client = APIClient()
        if token is not None:
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {getattr(token, 'raw', token)}")
        return client

    return make
