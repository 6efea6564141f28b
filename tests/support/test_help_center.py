"""The help center: every topic of the seeds in both languages, full-text search that takes a chat question,
typos, configured numbers, and staff editing in the admin."""

from __future__ import annotations

import pytest
from django.urls import reverse

from support.help.content import all_articles
from support.help.models import HelpArticle
from support.help.search import article_search
from tests.factories import staff_sign_in, staff_user

pytestmark = pytest.mark.django_db

SEED_TOPICS = [
    "how-to-pay", "payment-methods", "card-limits", "transfer-timing", "overpayment-refund", "invoice-delivery",
    "download-invoice", "invoice-status", "invoice-amount-differs", "provisioning-and-invoices", "billing-plans",
    "add-ons-and-co-terming", "overage-and-bursting", "free-trial-and-pay-as-you-go", "rewards-overview",
    "rewards-earning", "rewards-expiry", "rewards-redeem", "rewards-eligible-invoices", "access-and-sign-in",
    "team-and-roles", "billing-contact", "disputes", "po-number", "vat-and-billing-details",
    "cancellation-and-service-credits", "contact-billing-support",
]  # fmt: skip


def test_every_topic_of_the_seeds_is_an_article_in_french_and_english():
    assert {article.slug for article in all_articles()} == set(SEED_TOPICS)
    stored = set(HelpArticle.objects.values_list("slug", "language"))
    assert stored == {(slug, language) for slug in SEED_TOPICS for language in ("en", "fr")}


@pytest.mark.parametrize(
    "question, slug",
    [
        ("quand expirent mes récompenses", "rewards-expiry"),
        ("quand expirent mes recompenses", "rewards-expiry"),
        ("when do rewards expire", "rewards-expiry"),
        ("c'est quoi le co-terming", "add-ons-and-co-terming"),
        ("how to change billing frequncy", "billing-plans"),  # a typo
        ("recompences expiraton", "rewards-expiry"),  # two typos
    ],
)
def test_search_takes_chat_questions_any_term_ranked_and_typos(question, slug):
    assert article_search(text=question)[0].slug == slug


def test_the_help_page_searches_and_shows_articles_with_configured_numbers(client_of, billing_contact):
    client = client_of(billing_contact)
    page = client.get(reverse("help"), {"q": "quand expirent mes récompenses"}).content.decode()
    results = page.split('data-testid="help-results"')[1]
    assert results.index(reverse("help_article", args=["rewards-expiry"])) < 200
    article = client.get(reverse("help_article", args=["card-limits"])).content.decode()
    assert "$100,000.00" in article and "$2,000.00" in article and "{card_limit}" not in article
    french = client.get(
        reverse("help_article", args=["card-limits"]), HTTP_ACCEPT_LANGUAGE="fr"
    ).content.decode()
    assert "Plafond de la carte" in french and "100\u202f000,00\xa0$US" in french


def test_an_unknown_article_is_a_404(client_of, billing_contact):
    assert (
        client_of(billing_contact).get(reverse("help_article", args=["no-such-article"])).status_code == 404
    )


def test_staff_edit_an_article_in_the_admin_and_search_follows(client):
    staff_sign_in(client, staff_user())
    article = HelpArticle.objects.get(slug="po-number", language="en")
    url = reverse("admin:support_helparticle_change", args=[article.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "slug": article.slug,
            "language": "en",
            "topic": article.topic,
            "position": article.position,
            "title": article.title,
            "summary": article.summary,
            "body": article.body,
            "keywords": article.keywords + " zanzibarquux",
            "is_published": "on",
        },
    )
    assert response.status_code == 302
    assert article_search(text="zanzibarquux")[0].slug == "po-number"
