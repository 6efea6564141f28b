"""Payment use cases, one module per family (pay flow, offline money, account credit and refunds)."""
