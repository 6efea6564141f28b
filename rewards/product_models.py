"""Product families: which products Support Rewards may pay, set by staff (the seed's exclusions preloaded)."""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ProductRefusal(models.TextChoices):
    """Why a product family never takes rewards; the label is what a customer reads."""

    BUNDLES_LICENSE = "bundles_license", _("sold by subscription with the license and the support together")
    NOT_TECHNOLOGY_SUPPORT = (
        "not_technology_support",
        _("not Technology Programs software update license & support"),
    )


class ProductFamily(models.Model):
    """A family of products staff set as eligible or not for Support Rewards.

    A line belongs to a family when its product code is one of the family's codes, or its product
    name is one of the family's names or starts with one of them followed by a space (case ignored).
    A line that belongs to no family keeps the flag the invoice gave it.
    """

    name = models.CharField(_("name"), max_length=100, unique=True)
    product_codes = ArrayField(
        models.CharField(max_length=40),
        verbose_name=_("product codes"),
        blank=True,
        default=list,
        help_text=_("Exact product codes, separated by commas."),
    )
    product_names = ArrayField(
        models.CharField(max_length=200),
        verbose_name=_("product names"),
        blank=True,
        default=list,
        help_text=_(
            "Product names, or the start of them (“Java” matches “Java SE Subscription”), separated by commas."
        ),
    )
    rewards_eligible = models.BooleanField(_("Support Rewards may pay it"), default=False)
    refusal = models.CharField(
        _("why rewards refuse it"), max_length=30, choices=ProductRefusal.choices, blank=True
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("product family")
        verbose_name_plural = _("product families")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rewards_eligible=True) | ~Q(refusal=""),
                name="product_family_refusal_says_why",
                violation_error_message=_("Say why a product family cannot take rewards."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def matches(self, *, product: str, product_code: str) -> bool:
        if product_code and product_code.strip().upper() in {code.upper() for code in self.product_codes}:
            return True
        name = " ".join(product.split()).casefold()
        for prefix in self.product_names:
            prefix = " ".join(prefix.split()).casefold()
            if prefix and (name == prefix or name.startswith(prefix + " ")):
                return True
        return False
