"""The REST API (OpenAPI), personal access tokens and outbound webhooks."""
