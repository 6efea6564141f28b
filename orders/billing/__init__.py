"""The billing-plan engine: pure functions, dates and `Decimal` in, plan lines out (no database, no Django).

- `calendar`: month arithmetic from an anchor date (python-dateutil), the "month clock" used for proration.
- `plan`: the subscription's billing periods and what each product is billed in each (full period, prorated
  co-term, non-standard term, add-on remainder or paid at once), with the 15-day provisioning rule.
- `usage`: overage above the monthly commitment and bursting (capped at twice the subscription), monthly in
  arrears.

See orders/BILLING_RULES.md for the rules in plain words.
"""

from orders.billing.plan import (
    BillingFrequency,
    BillingTiming,
    PlanLine,
    ProductTerms,
    Rule,
    SubscriptionTerms,
    plan_compute,
)
from orders.billing.usage import UsageInput, usage_plan_compute

__all__ = [
    "BillingFrequency",
    "BillingTiming",
    "PlanLine",
    "ProductTerms",
    "Rule",
    "SubscriptionTerms",
    "UsageInput",
    "plan_compute",
    "usage_plan_compute",
]
