from __future__ import annotations

import datetime
import secrets
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.activity import describe
from core.addresses import postal_address_lines


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: Any) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A person who signs in with an email address. No username."""

    # Django removes an inherited field set to None; the stubs can't express that.
    username = None  # type: ignore[assignment]
    email = models.EmailField(_("email address"), unique=True)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="en")

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    # Django documents a BaseUserManager for email-only users; the stubs pin AbstractUser.objects to the
    # username-based contrib.auth UserManager.
    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="user_email_ci_unique",
                violation_error_message=_("A user with this email address already exists."),
            )
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.email


class Sector(models.TextChoices):
    COMMERCIAL = "commercial", _("Commercial")
    PUBLIC_SECTOR = "public_sector", _("Public sector")
    US_FEDERAL = "us_federal", _("US federal public sector")


class EInvoiceFormat(models.TextChoices):
    """What the invoice email carries: French accounts get Factur-X by default, others the PDF unless asked."""

    DEFAULT = "default", _("By country (Factur-X in France, PDF elsewhere)")
    PDF = "pdf", _("PDF only")
    FACTURX = "facturx", _("Factur-X (PDF with embedded CII XML)")
    UBL = "ubl", _("PDF and UBL 2.1 XML")


class CustomerAccount(models.Model):
    """A customer of the vendor: the legal entity that receives and pays invoices."""

    customer_number = models.CharField(_("customer number"), max_length=32, unique=True)
    legal_name = models.CharField(_("legal name"), max_length=200)
    country = models.CharField(
        _("country"), max_length=2, help_text=_("ISO 3166-1 alpha-2 code, e.g. FR, US.")
    )
    currency = models.CharField(_("default currency"), max_length=3, help_text=_("ISO 4217 code, e.g. EUR."))
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="en")
    tax_number = models.CharField(_("tax / VAT number"), max_length=40, blank=True)
    registration_number = models.CharField(
        _("SIREN / company registration number"),
        max_length=20,
        blank=True,
        help_text=_("The SIREN (9 digits) for a French company; printed in electronic invoices."),
    )
    electronic_address = models.CharField(
        _("electronic invoicing address"),
        max_length=100,
        blank=True,
        help_text=_(
            "Where the approved platform delivers e-invoices; for a French company, usually its SIREN."
        ),
    )
    electronic_address_scheme = models.CharField(
        _("electronic address scheme"),
        max_length=4,
        blank=True,
        default="0225",
        help_text=_(
            "EAS code: 0225 for the French directory (SIREN based), 0009 for a SIRET, 9957 for a VAT id."
        ),
    )
    einvoice_format = models.CharField(
        _("e-invoice format"), max_length=10, choices=EInvoiceFormat.choices, default=EInvoiceFormat.DEFAULT
    )
    address_line1 = models.CharField(_("address"), max_length=200, blank=True)
    address_line2 = models.CharField(_("address (continued)"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    region = models.CharField(_("state / region"), max_length=100, blank=True)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices, default=Sector.COMMERCIAL)
    has_unlimited_license_agreement = models.BooleanField(
        _("active unlimited license agreement (ULA)"), default=False
    )
    is_pay_as_you_go = models.BooleanField(_("pay-as-you-go cloud customer"), default=False)
    # Set when billing support accepts a customer's PO request: printed on the next imported invoices
    # that come without a PO of their own, until the date (if any).
    default_po_number = models.CharField(_("default purchase order number"), max_length=60, blank=True)
    default_po_valid_until = models.DateField(_("default PO valid until"), null=True, blank=True)
    contract_email = models.EmailField(
        _("contract email"),
        help_text=_(
            "Email given when the contract was signed: whoever verifies it becomes the billing contact."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("customer account")
        verbose_name_plural = _("customer accounts")
        ordering = ["legal_name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(currency__regex=r"^[A-Z]{3}$"),
                name="account_currency_iso",
                violation_error_message=_("The currency must be a three-letter ISO code, such as EUR."),
            ),
            models.CheckConstraint(
                condition=models.Q(country__regex=r"^[A-Z]{2}$"),
                name="account_country_iso",
                violation_error_message=_("The country must be a two-letter ISO code, such as FR."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.legal_name} ({self.customer_number})"

    @property
    def effective_einvoice_format(self) -> str:
        """The format actually sent: the account's choice, or Factur-X for French accounts by default."""
        if self.einvoice_format != EInvoiceFormat.DEFAULT:
            return self.einvoice_format
        return EInvoiceFormat.FACTURX if self.country == "FR" else EInvoiceFormat.PDF

    @property
    def address_lines(self) -> list[str]:
        """The postal address in the country's format (the US puts the state and ZIP code after the city),
        the country named in the active language."""
        return postal_address_lines(
            country=self.country,
            street_lines=[self.address_line1, self.address_line2],
            postal_code=self.postal_code,
            city=self.city,
            region=self.region,
        )


class Role(models.TextChoices):
    BILLING_CONTACT = "billing_contact", _("Billing contact")
    PAYER = "payer", _("Payer")
    VIEWER = "viewer", _("Viewer")


class Membership(models.Model):
    """A user's access to a customer account, with the role that decides what they may do."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    account = models.ForeignKey(CustomerAccount, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.VIEWER)
    invited_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("invited by")
    )
    created_at = models.DateTimeField(_("joined at"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "account"],
                name="membership_user_account_unique",
                violation_error_message=_("This person is already a member of this account."),
            )
        ]
        ordering = ["account__legal_name", "user__email"]

    def __str__(self) -> str:
        return f"{self.user} — {self.account} ({self.get_role_display()})"


class ContactKind(models.TextChoices):
    BILLING = "billing", _("Billing contact")
    DUNNING = "dunning", _("Dunning contact")
    ACCOUNT = "account", _("Account contact")


class AccountContact(models.Model):
    """Who receives invoice emails for an account: the billing contact, with dunning and account contacts in copy."""

    account = models.ForeignKey(CustomerAccount, on_delete=models.CASCADE, related_name="contacts")
    kind = models.CharField(_("kind"), max_length=20, choices=ContactKind.choices)
    name = models.CharField(_("name"), max_length=200, blank=True)
    email = models.EmailField(_("email"))
    phone = models.CharField(_("phone"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("account contact")
        verbose_name_plural = _("account contacts")
        constraints = [
            models.UniqueConstraint(
                fields=["account", "kind"],
                name="contact_account_kind_unique",
                violation_error_message=_("This account already has a contact of this kind."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.email}"


class ActivityEntry(models.Model):
    """Append-only log of security- and money-relevant actions on an account."""

    account = models.ForeignKey(
        CustomerAccount, on_delete=models.PROTECT, null=True, blank=True, related_name="activity"
    )
    actor = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    actor_email = models.EmailField(blank=True, help_text=_("Kept when the user is later deleted."))
    # The actor was vendor staff (billing support in the admin): customers see "Vendor support", not who.
    by_vendor_support = models.BooleanField(_("by vendor support"), default=False)
    action = models.CharField(_("action"), max_length=60, db_index=True)
    # What the sentence says, as parameters (accounts.activity renders them in the reader's language).
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    # Entries recorded before codes had sentences keep their English text here, shown as a fallback.
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    target = models.CharField(_("target"), max_length=120, blank=True)
    details = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("activity entry")
        verbose_name_plural = _("activity log")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["account", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.sentence}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Activity entries are append-only.")
        super().save(*args, **kwargs)

    @property
    def sentence(self) -> str:
        """What happened, in the active language."""
        return describe(action=self.action, params=self.params, summary=self.summary)


INVITATION_LIFETIME = datetime.timedelta(days=7)


def invitation_default_expiry() -> datetime.datetime:
    return timezone.now() + INVITATION_LIFETIME


def invitation_new_nonce() -> str:
    return secrets.token_urlsafe(32)


class InvitationState(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    REVOKED = "revoked", _("Revoked")
    EXPIRED = "expired", _("Expired")


class Invitation(models.Model):
    """An emailed, single-use, expiring offer to join an account with a role.

    The link carries an HMAC of (id, nonce) keyed by SECRET_KEY: the database alone cannot forge a
    link, a resend rotates the nonce (so only the newest link works), and acceptance sets accepted_at
    once under a row lock.
    """

    account = models.ForeignKey(CustomerAccount, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("email"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.VIEWER)
    nonce = models.CharField(max_length=64, unique=True, editable=False, default=invitation_new_nonce)
    language = models.CharField(_("email language"), max_length=8, choices=settings.LANGUAGES, default="en")
    invited_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("invited by")
    )
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"), default=invitation_default_expiry)
    send_count = models.PositiveIntegerField(
        default=1, help_text=_("How many links were sent; a resend adds one.")
    )
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted by"),
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        constraints = [
            # One open invitation per address and account: a second one is refused, not duplicated.
            models.UniqueConstraint(
                "account",
                Lower("email"),
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_open_per_email",
                violation_error_message=_("An invitation is already open for this email address."),
            ),
            models.CheckConstraint(
                condition=~models.Q(accepted_at__isnull=False, revoked_at__isnull=False),
                name="invitation_not_accepted_and_revoked",
                violation_error_message=_("An invitation cannot be both accepted and revoked."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.account} ({self.get_role_display()})"

    @property
    def state(self) -> str:
        if self.accepted_at:
            return InvitationState.ACCEPTED
        if self.revoked_at:
            return InvitationState.REVOKED
        if self.expires_at <= timezone.now():
            return InvitationState.EXPIRED
        return InvitationState.PENDING

    def get_state_display(self) -> str:
        # Like Django's own get_FOO_display: a str in the active language, not a lazy proxy.
        return str(InvitationState(self.state).label)


from accounts.grant_models import BillingContactGrant, BillingContactGrantMode  # noqa: E402, F401 — models of this app, in their own module
from accounts.representative_models import AccountRepresentative, RepresentativeRole  # noqa: E402, F401 — models of this app, in their own module
