import pytest
from django.contrib.auth.models import Group

from accounts.services import BILLING_SUPPORT_GROUP, billing_support_group_ensure
from tests.factories import CustomerAccountFactory, MembershipFactory, UserFactory, staff_sign_in, staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def support_client(client):
    return staff_sign_in(client, staff_user())


def test_billing_support_group_may_change_accounts_but_never_delete_money_rows():
    billing_support_group_ensure()
    codenames = set(
        Group.objects.get(name=BILLING_SUPPORT_GROUP).permissions.values_list("codename", flat=True)
    )
    assert {
        "view_customeraccount",
        "change_customeraccount",
        "change_membership",
        "view_invoice",
    } <= codenames
    assert "delete_invoice" not in codenames
    assert "delete_payment" not in codenames
    assert "delete_membership" in codenames


def test_support_staff_find_an_account_by_member_email(support_client):
    account = CustomerAccountFactory(legal_name="Findable Corp")
    MembershipFactory(account=account, user=UserFactory(email="needle@findable.test"))
    CustomerAccountFactory(legal_name="Other Corp")
    response = support_client.get("/admin/accounts/customeraccount/", {"q": "needle@findable"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Findable Corp" in body
    assert "Other Corp" not in body


def test_support_staff_search_memberships(support_client):
    found = MembershipFactory(
        user=UserFactory(email="someone@searchable.test", first_name="Sally", last_name="Found")
    )
    MembershipFactory(user=UserFactory(first_name="Hidden", last_name="Person"))
    body = support_client.get("/admin/accounts/membership/", {"q": "searchable"}).content.decode()
    assert str(found.user) in body
    assert "Hidden Person" not in body


def test_customers_cannot_open_the_admin(client_of, billing_contact):
    response = client_of(billing_contact).get("/admin/accounts/customeraccount/")
    assert response.status_code == 302
