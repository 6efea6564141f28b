from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts import services
from accounts.forms import BillingContactGrantForm
from accounts.models import (
    AccountContact,
    ActivityEntry,
    BillingContactGrant,
    CustomerAccount,
    Invitation,
    Membership,
    Role,
    User,
)
from accounts.permissions import ROLE_ABILITIES
from core.admin import ReadOnlyMixin


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "account"
    extra = 0
    autocomplete_fields = ["user"]
    readonly_fields = ["invited_by", "created_at"]


class AccountContactInline(admin.TabularInline):
    model = AccountContact
    extra = 0


@admin.register(CustomerAccount)
class CustomerAccountAdmin(admin.ModelAdmin):
    list_display = ["customer_number", "legal_name", "country", "currency", "sector", "contract_email"]
    list_filter = ["country", "currency", "sector", "has_unlimited_license_agreement"]
    search_fields = [
        "customer_number",
        "legal_name",
        "contract_email",
        "tax_number",
        "memberships__user__email",
    ]
    inlines = [MembershipInline, AccountContactInline]
    readonly_fields = ["billing_contact_tools"]

    @admin.display(description=_("Billing contact"))
    def billing_contact_tools(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        url = reverse("admin:accounts_customeraccount_billing_contact", args=[obj.pk])
        current = ", ".join(
            obj.memberships.filter(role=Role.BILLING_CONTACT).values_list("user__email", flat=True)
        )
        return format_html(
            '{} <a class="button" href="{}">{}</a>', current or _("none"), url, _("Grant or transfer…")
        )

    def get_urls(self):
        custom = [
            path(
                "<int:account_id>/billing-contact/",
                self.admin_site.admin_view(self.billing_contact_view),
                name="accounts_customeraccount_billing_contact",
            )
        ]
        return custom + super().get_urls()

    def billing_contact_view(self, request, account_id: int):
        """Support gives the billing-contact role on the customer's behalf, with a required reason."""
        account = get_object_or_404(CustomerAccount, pk=account_id)
        if not (
            self.has_change_permission(request, account) and request.user.has_perm("accounts.add_membership")
        ):
            raise PermissionDenied
        form = BillingContactGrantForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            grant = services.billing_contact_grant(
                staff=request.user,
                account=account,
                user=form.user,
                mode=form.cleaned_data["mode"],
                reason=form.cleaned_data["reason"],
                request=request,
            )
            self.message_user(
                request,
                _("%(email)s is now billing contact of %(account)s.")
                % {"email": grant.user.email, "account": account.legal_name},
                messages.SUCCESS,
            )
            return redirect("admin:accounts_customeraccount_change", account.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Grant or transfer the billing-contact role"),
            "account": account,
            "form": form,
            "opts": self.model._meta,
            "original": account,
            "abilities": ROLE_ABILITIES[Role.BILLING_CONTACT],
            "current": account.memberships.filter(role=Role.BILLING_CONTACT).select_related("user"),
            "grants": account.billing_contact_grants.select_related("user", "staff")[:10],
        }
        return TemplateResponse(request, "accounts/admin/billing_contact_grant.html", context)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "account", "role", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__email", "account__legal_name", "account__customer_number"]
    autocomplete_fields = ["user", "account"]
    list_select_related = ["user", "account"]


@admin.register(ActivityEntry)
class ActivityEntryAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["created_at", "account", "actor_email", "action", "summary", "ip_address"]
    list_filter = ["action"]
    date_hierarchy = "created_at"
    search_fields = ["account__legal_name", "account__customer_number", "actor_email", "summary", "target"]
    list_select_related = ["account"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_staff", "last_login"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "language")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


@admin.register(BillingContactGrant)
class BillingContactGrantAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["created_at", "account", "user", "mode", "staff", "reason"]
    list_filter = ["mode"]
    search_fields = ["account__legal_name", "account__customer_number", "user__email", "reason"]
    list_select_related = ["account", "user", "staff"]


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["email", "account", "role", "state", "invited_by", "created_at", "expires_at"]
    list_filter = ["role"]
    search_fields = ["email", "account__legal_name", "account__customer_number"]
    list_select_related = ["account", "invited_by"]
    exclude = ["nonce"]

    @admin.display(description=_("state"))
    def state(self, obj):
        return obj.get_state_display()
