"""Staff screens: enroll accounts, read lots and redemptions, adjust balances with a reason (a new row each time)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyMixin
from rewards.eligibility import EXCLUSION_MESSAGES, account_exclusion_reason
from rewards.models import (
    ConsumptionRecord,
    ProductFamily,
    Redemption,
    RewardAccrual,
    RewardAdjustment,
    RewardLot,
    RewardsAccount,
)
from rewards.selectors import rewards_balance
from rewards.services import rewards_adjust, rewards_code_rotate, rewards_enroll


class EnrollmentForm(forms.ModelForm):
    class Meta:
        model = RewardsAccount
        fields = ["account", "service_start", "order_number"]

    def clean_account(self):
        account = self.cleaned_data["account"]
        reason = account_exclusion_reason(account)
        if reason:
            raise forms.ValidationError(EXCLUSION_MESSAGES[reason])
        if RewardsAccount.objects.filter(account=account).exists():
            raise forms.ValidationError(_("This account is already enrolled."))
        return account


@admin.register(RewardsAccount)
class RewardsAccountAdmin(admin.ModelAdmin):
    list_display = [
        "account",
        "rate",
        "currency",
        "available_balance",
        "service_start",
        "order_number",
        "is_active",
        "enrolled_at",
    ]
    list_filter = ["is_active", "rate", "currency"]
    list_select_related = ["account"]
    search_fields = ["account__legal_name", "account__customer_number", "order_number"]
    autocomplete_fields = ["account"]
    readonly_fields = [
        "account",
        "rate",
        "currency",
        "service_start",
        "order_number",
        "code",
        "enrolled_by",
        "enrolled_at",
    ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = EnrollmentForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj else []

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["account", "service_start", "order_number"]
        return [*self.readonly_fields, "is_active"]

    actions = ["issue_new_code"]

    @admin.display(description=_("available balance"))
    def available_balance(self, obj: RewardsAccount):
        return rewards_balance(rewards_account=obj)

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Issue a new redemption code (emailed to the billing contact)"))
    def issue_new_code(self, request, queryset):
        for rewards_account in queryset:
            rewards_code_rotate(rewards_account=rewards_account, actor=request.user, reason="admin action")
        self.message_user(request, _("New codes issued: %(count)d.") % {"count": queryset.count()})

    def save_model(self, request, obj, form, change):
        if change:
            obj.save(update_fields=["is_active"])
            return
        enrolled = rewards_enroll(
            account=form.cleaned_data["account"],
            service_start=form.cleaned_data["service_start"],
            order_number=form.cleaned_data["order_number"],
            actor=request.user,
        )
        obj.__dict__.update({k: v for k, v in enrolled.__dict__.items() if not k.startswith("_")})


class AdjustmentForm(forms.ModelForm):
    class Meta:
        model = RewardAdjustment
        fields = ["rewards_account", "amount", "reason"]

    def clean(self):
        cleaned = super().clean()
        amount, rewards_account = cleaned.get("amount"), cleaned.get("rewards_account")
        if amount == 0:
            self.add_error("amount", _("An adjustment cannot be zero."))
        elif amount is not None and rewards_account is not None and amount < 0:
            balance = rewards_balance(rewards_account=rewards_account)
            if -amount > balance:
                self.add_error(
                    "amount", _("The available balance is only %(balance)s.") % {"balance": balance}
                )
        return cleaned


@admin.register(RewardAdjustment)
class RewardAdjustmentAdmin(admin.ModelAdmin):
    form = AdjustmentForm
    list_display = ["created_at", "rewards_account", "amount", "currency", "reason", "created_by", "lot"]
    search_fields = ["rewards_account__account__legal_name", "reason"]
    autocomplete_fields = ["rewards_account"]

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        rows = rewards_adjust(
            rewards_account=form.cleaned_data["rewards_account"],
            amount=form.cleaned_data["amount"],
            reason=form.cleaned_data["reason"],
            actor=request.user,
        )
        obj.__dict__.update({k: v for k, v in rows[0].__dict__.items() if not k.startswith("_")})


@admin.register(RewardLot)
class RewardLotAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = [
        "rewards_account",
        "month_earned",
        "subscription_number",
        "source",
        "rate",
        "amount",
        "remaining",
        "currency",
        "expires_on",
        "status",
        "expired_amount",
    ]
    list_filter = ["status", "source", "currency"]
    search_fields = [
        "rewards_account__account__legal_name",
        "rewards_account__account__customer_number",
        "subscription_number",
    ]
    date_hierarchy = "expires_on"
    readonly_fields = ["expired_amount"]  # not editable: the change page lists it only when named here


@admin.register(Redemption)
class RedemptionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["created_at", "invoice", "payment", "lot", "amount", "currency", "redeemed_by"]
    search_fields = ["invoice__number", "payment__reference"]
    list_select_related = ["invoice", "payment", "lot"]


@admin.register(RewardAccrual)
class RewardAccrualAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["month", "rewards_account", "eligible_consumption", "rate", "amount", "created_at"]
    date_hierarchy = "month"


@admin.register(ConsumptionRecord)
class ConsumptionRecordAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = [
        "month",
        "account",
        "subscription_number",
        "service",
        "offering",
        "quantity",
        "unit_net_price",
        "amount",
        "currency",
        "is_overage",
        "is_eligible",
    ]
    list_filter = ["offering", "is_eligible", "is_overage", "currency"]
    search_fields = ["account__legal_name", "account__customer_number", "subscription_number", "service"]
    date_hierarchy = "month"


@admin.register(ProductFamily)
class ProductFamilyAdmin(admin.ModelAdmin):
    """Staff decide which products Support Rewards may pay, by family name or product code."""

    list_display = ["name", "rewards_eligible", "refusal", "product_names", "product_codes", "updated_at"]
    list_filter = ["rewards_eligible"]
    search_fields = ["name"]
    fields = ["name", "product_names", "product_codes", "rewards_eligible", "refusal"]
