"""/developers/: the API docs page, personal access tokens and webhook endpoints."""

from django.urls import path

from api import pages

app_name = "api_pages"
urlpatterns = [
    path("", pages.docs, name="docs"),
    path("tokens/", pages.tokens, name="tokens"),
    path("tokens/<int:token_id>/revoke/", pages.token_revoke_view, name="token_revoke"),
    path("webhooks/", pages.webhooks, name="webhooks"),
    path("webhooks/<int:endpoint_id>/", pages.webhook, name="webhook"),
    path("webhooks/<int:endpoint_id>/delete/", pages.webhook_delete, name="webhook_delete"),
    path("webhooks/<int:endpoint_id>/enable/", pages.webhook_enable, name="webhook_enable"),
    path(
        "webhooks/<int:endpoint_id>/deliveries/<int:delivery_id>/resend/",
        pages.delivery_resend_view,
        name="delivery_resend",
    ),
]
