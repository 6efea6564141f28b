"""Staff granting or transferring the billing-contact role, with the reason they give."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class BillingContactGrantMode(models.TextChoices):
    GRANT = "grant", _("Grant: add as another billing contact")
    TRANSFER = "transfer", _("Transfer: replace the current billing contacts (they stay as payers)")


class BillingContactGrant(models.Model):
    """Support staff gave the billing-contact role on a customer's behalf; the reason is required."""

    account = models.ForeignKey(
        "accounts.CustomerAccount", on_delete=models.PROTECT, related_name="billing_contact_grants"
    )
    user = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("new billing contact")
    )
    mode = models.CharField(_("mode"), max_length=10, choices=BillingContactGrantMode.choices)
    previous_billing_contacts = models.JSONField(_("previous billing contacts"), default=list, blank=True)
    # A transfer keeps the previous billing contacts as payers unless staff chose to remove them.
    previous_removed = models.BooleanField(_("previous billing contacts removed"), default=False)
    reason = models.TextField(_("reason"))
    staff = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("staff member")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("billing-contact grant by staff")
        verbose_name_plural = _("billing-contact grants by staff")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(reason=""),
                name="grant_reason_required",
                violation_error_message=_("Give a reason for the grant."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_mode_display()}: {self.user} → {self.account}"
