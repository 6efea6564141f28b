"""Outbound webhooks: events recorded with the change (hooks), signed deliveries sent by Celery (delivery)."""
