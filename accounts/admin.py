from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts import activity, services
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


class SupportActivityAdminMixin:
    """What staff add, change or delete in this admin is written to the customer account's activity log
    too (as "Vendor support"), besides the admin's own history.

    `activity_account(obj)` names the account an object belongs to; `activity_summary(obj)` how the
    customer reads it. Inline changes are part of their parent's change message.
    """

    def activity_account(self, obj) -> CustomerAccount | None:
        return getattr(obj, "account", None)

    def activity_summary(self, obj) -> str:
        return str(obj)

    def _activity(self, request, obj, *, action: str, message: str) -> None:
        account = self.activity_account(obj)
        if account is None or account.pk is None:
            return
        params: dict = {"object": {"model": obj._meta.label_lower, "name": self.activity_summary(obj)}}
        if message and message != "[]":
            params.update(variant="with_changes", changes=message)
        services.activity_record(
            account=account,
            actor=request.user,
            action=action,
            params=params,
            target=f"{obj._meta.model_name}-{obj.pk}",
            request=request,
        )

    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)
        self._activity(request, obj, action=activity.ADMIN_ADDED, message="")
        return entry

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        self._activity(request, obj, action=activity.ADMIN_CHANGED, message=entry.change_message)
        return entry

    def log_deletions(self, request, queryset):
        for obj in queryset:  # still in the database: deleted right after
            self._activity(request, obj, action=activity.ADMIN_DELETED, message="")
        return super().log_deletions(request, queryset)


class MembershipAdminForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["user", "account", "role"]

    def clean_user(self):
        user = self.cleaned_data["user"]
        if user is not None and user.is_staff:
            raise forms.ValidationError(_("Vendor staff cannot be members of a customer account."))
        return user


class MembershipInline(admin.TabularInline):
    model = Membership
    form = MembershipAdminForm
    fk_name = "account"
    extra = 0
    autocomplete_fields = ["user"]
    readonly_fields = ["invited_by", "created_at"]


class AccountContactInline(admin.TabularInline):
    model = AccountContact
    extra = 0


@admin.register(CustomerAccount)
class CustomerAccountAdmin(SupportActivityAdminMixin, admin.ModelAdmin):
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
                remove_previous=form.cleaned_data["remove_previous"],
                request=request,
            )
            self.message_user(
                request,
                _("New billing contact of “%(account)s”: %(email)s")
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
class MembershipAdmin(SupportActivityAdminMixin, admin.ModelAdmin):
    form = MembershipAdminForm
    list_display = ["user", "account", "role", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__email", "account__legal_name", "account__customer_number"]
    autocomplete_fields = ["user", "account"]
    list_select_related = ["user", "account"]

    def activity_summary(self, obj) -> str:
        return f"{obj.user.email} ({obj.get_role_display()})"


@admin.register(ActivityEntry)
class ActivityEntryAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = [
        "created_at",
        "account",
        "actor_email",
        "by_vendor_support",
        "action",
        "what_happened",
        "ip_address",
    ]
    list_filter = ["action", "by_vendor_support"]
    date_hierarchy = "created_at"
    search_fields = ["account__legal_name", "account__customer_number", "actor_email", "summary", "target"]
    list_select_related = ["account"]

    @admin.display(description=_("What happened"))
    def what_happened(self, obj: ActivityEntry) -> str:
        return obj.sentence


class SupportUserCreationForm(forms.ModelForm):
    """What support may create: a sign-in with an email address and no password (the person chooses it
    through the reset email support sends them), never staff."""

    class Meta:
        model = User
        fields = ("email",)

    def save(self, commit=True):
        user = super().save(commit=False)
        user.email = user.email.lower()
        user.set_unusable_password()
        user.is_staff = user.is_superuser = False
        if commit:
            user.save()
        return user


# Only superusers manage who works in the admin and how people sign in. Support staff (the "Billing
# support" group holds add/change user) correct names, the language or deactivate a customer's sign-in,
# and send the customer's own password-reset email; everything else is read-only to them.
SUPERUSER_ONLY_USER_FIELDS = ["email", "is_staff", "is_superuser", "groups", "last_login", "date_joined"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_staff", "last_login"]
    search_fields = ["email", "first_name", "last_name"]
    actions = ["send_password_reset"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "language")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    support_fieldsets = (
        (None, {"fields": ("email",)}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "language")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    support_add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email",)}),)

    def get_fieldsets(self, request, obj=None):
        if request.user.is_superuser:
            return super().get_fieldsets(request, obj)
        return self.support_add_fieldsets if obj is None else self.support_fieldsets

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser or obj is None:
            return super().get_readonly_fields(request, obj)
        return [*super().get_readonly_fields(request, obj), *SUPERUSER_ONLY_USER_FIELDS]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None and not request.user.is_superuser:
            kwargs["form"] = SupportUserCreationForm
            return admin.ModelAdmin.get_form(self, request, obj, **kwargs)
        return super().get_form(request, obj, **kwargs)

    def has_change_permission(self, request, obj=None):
        if obj is not None and (obj.is_staff or obj.is_superuser) and not request.user.is_superuser:
            return False  # a staff account is changed by a superuser only (its email is a sign-in)
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and (obj.is_staff or obj.is_superuser) and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)

    def user_change_password(self, request, id, form_url=""):
        if not request.user.is_superuser:
            raise PermissionDenied  # support sends the customer's own reset email instead
        return super().user_change_password(request, id, form_url)

    @admin.action(
        description=_("Send the selected people their own password-reset email"), permissions=["change"]
    )
    def send_password_reset(self, request, queryset):
        sent = 0
        for user in queryset:
            if (user.is_staff or user.is_superuser) and not request.user.is_superuser:
                self.message_user(
                    request,
                    _("%(email)s is vendor staff: skipped.") % {"email": user.email},
                    messages.WARNING,
                )
                continue
            try:
                services.user_password_reset_send(staff=request.user, user=user, request=request)
            except services.TeamError as error:
                self.message_user(request, str(error), messages.WARNING)
            else:
                sent += 1
        if sent:
            self.message_user(
                request, _("Password-reset emails sent: %(count)d.") % {"count": sent}, messages.SUCCESS
            )


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
