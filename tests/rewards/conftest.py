import datetime

import pytest
import time_machine

from tests.rewards.factories import RewardsAccountFactory


def pytest_configure(config):
    # Known to pytest-xdist (`--dist loadgroup`); registered here too so that `-p no:xdist` runs stay strict-clean.
    config.addinivalue_line("markers", "xdist_group(name): run the marked tests in the same xdist worker")


@pytest.fixture
def rewards_account(account):
    return RewardsAccountFactory(account=account)


@pytest.fixture
def april_10_2026():
    """The clock stopped on 2026-04-10 10:00 UTC."""
    with time_machine.travel(datetime.datetime(2026, 4, 10, 10, 0, tzinfo=datetime.UTC), tick=False):
        yield
