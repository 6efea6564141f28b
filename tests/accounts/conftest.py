import pytest

from accounts import invitations


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`with committed(): ...` runs what the block enqueued on commit (emails), as a real commit would."""

    def block():
        return django_capture_on_commit_callbacks(execute=True)

    return block


@pytest.fixture
def invite(committed):
    """`invite(actor=..., account=..., email=..., role=...)`: invite through the service, email sent."""

    def do_invite(*, actor, account, email="new.person@example.test", role="viewer"):
        with committed():
            return invitations.invitation_create(actor=actor, account=account, email=email, role=role)

    return do_invite
