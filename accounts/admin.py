from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import AccountContact, ActivityEntry, CustomerAccount, Membership, User


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


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "account", "role", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__email", "account__legal_name", "account__customer_number"]
    autocomplete_fields = ["user", "account"]
    list_select_related = ["user", "account"]


@admin.register(ActivityEntry)
class ActivityEntryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "account", "actor_email", "action", "summary", "ip_address"]
    list_filter = ["action"]
    search_fields = ["account__legal_name", "account__customer_number", "actor_email", "summary", "target"]
    list_select_related = ["account"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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
