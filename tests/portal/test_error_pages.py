"""Refusal and error pages: styled, in the reader's language, saying what the role allows and whom to ask;
menus offer only what the role can use (issue 11, item 2)."""

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def styled(body: str) -> bool:
    return 'data-testid="error-page"' in body and "css/portal.css" in body and 'class="site-header"' in body


@pytest.mark.parametrize(
    "url",
    [
        reverse("payments:pay"),
        reverse("payments:autopay"),
        "redeem",
        reverse("team"),
        reverse("team_activity"),
        reverse("team_activity_export"),
    ],
)
def test_a_viewer_refused_reads_a_styled_page_naming_their_role_and_billing_contact(
    client_of, account, billing_contact, viewer, url
):
    if url == "redeem":
        from tests.invoices.factories import InvoiceFactory

        url = reverse("rewards:redeem", args=[InvoiceFactory(account=account).number])
    response = client_of(viewer).get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403
    body = response.content.decode()
    assert styled(body)
    assert f"Your role on {account.legal_name} is Viewer." in body
    assert "See invoices, payments, orders and rewards" in body
    assert billing_contact.email in body


def test_the_refusal_is_in_french_for_a_french_reader(client_of, account, billing_contact, viewer):
    response = client_of(viewer).get(reverse("payments:autopay"), HTTP_ACCEPT_LANGUAGE="fr")
    body = response.content.decode()
    assert response.status_code == 403 and styled(body)
    assert "Non disponible pour votre rôle" in body
    assert f"Votre rôle sur {account.legal_name} est Lecteur." in body
    assert "Le contact de facturation du compte est" in body


@override_settings(DEBUG=False)
def test_a_missing_page_is_styled_and_translated(client_of, viewer):
    client = client_of(viewer)
    response = client.get("/no/such/page/", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 404
    body = response.content.decode()
    assert styled(body)
    assert "Page introuvable" in body


@override_settings(DEBUG=False)
def test_a_server_error_is_styled_and_translated(viewer, settings):
    from portal import errors

    client = Client(raise_request_exception=False)
    client.force_login(viewer)
    settings.ROOT_URLCONF = "tests.portal.boom_urls"
    response = client.get("/boom/", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 500
    body = response.content.decode()
    assert styled(body)
    assert "Une erreur s’est produite" in body
    assert errors.error_500  # the handler named in portal.urls


def test_the_handlers_are_the_portals():
    from portal import urls

    assert urls.handler403 == "portal.errors.error_403"
    assert urls.handler404 == "portal.errors.error_404"
    assert urls.handler500 == "portal.errors.error_500"


@pytest.mark.parametrize(
    ("role", "sees_team"), [("billing_contact", True), ("payer", False), ("viewer", False)]
)
def test_the_menu_shows_team_only_to_whom_may_manage_it(client_of, account, role, sees_team):
    user = MembershipFactory(account=account, role=role).user
    body = client_of(user).get(reverse("dashboard")).content.decode()
    assert (f'href="{reverse("team")}"' in body) is sees_team
