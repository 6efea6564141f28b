"""Disputes, billing-support requests with attachments, help articles and the billing assistant."""
