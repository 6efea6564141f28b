"""Who to talk to at the vendor: each account's collector and account manager, managed by staff.

Shown on Help and on overdue invoices (name, email, hours); billing support keeps them current in the admin.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RepresentativeRole(models.TextChoices):
    COLLECTOR = "collector", _("Collector")
    ACCOUNT_MANAGER = "account_manager", _("Account manager")


class AccountRepresentative(models.Model):
    account = models.ForeignKey(
        "accounts.CustomerAccount", on_delete=models.CASCADE, related_name="representatives"
    )
    role = models.CharField(_("role"), max_length=20, choices=RepresentativeRole.choices)
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email"))
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    hours = models.CharField(
        _("hours"), max_length=120, blank=True, help_text=_("When they answer, e.g. Mon–Fri 9:00–17:00 CET.")
    )

    class Meta:
        verbose_name = _("vendor representative")
        verbose_name_plural = _("vendor representatives")
        ordering = ["account", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "role"],
                name="representative_account_role_unique",
                violation_error_message=_("This account already has a representative in this role."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.name}"
