"""Staff's queue of billing-support requests: filters by kind, status and age, assignment, reply (or an
internal note), resolve with the outcome's action (support.resolutions), an SLA age column. Every action
goes through a service, which writes the account's activity log. Also: who to talk to per account."""

from __future__ import annotations

import datetime

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts.models import AccountRepresentative, User
from invoices.models import Invoice
from support.attachments import attachment_bytes
from support.exceptions import SupportError
from support.forms import AssignForm, ResolveForm, StaffReplyForm
from support.models import OPEN_STATUSES, RequestAttachment, RequestEvent, RequestMessage, SupportRequest
from support.resolutions import _outcomes_for, request_age
from support.services import request_assign, request_close, request_message_post

SLA_TARGET = datetime.timedelta(days=2)  # an answer within two days; older rows are flagged in the queue


class AgeFilter(admin.SimpleListFilter):
    title = _("waiting for support")
    parameter_name = "age"
    BUCKETS = {"1d": datetime.timedelta(days=1), "2d": SLA_TARGET, "7d": datetime.timedelta(days=7)}

    def lookups(self, request, model_admin):
        return [
            ("1d", _("More than a day")),
            ("2d", _("More than two days (late)")),
            ("7d", _("More than a week")),
        ]

    def queryset(self, request, queryset):
        age = self.BUCKETS.get(self.value() or "")
        if age is None:
            return queryset
        return queryset.filter(status__in=OPEN_STATUSES, waiting_since__lte=timezone.now() - age)


class AssignedFilter(admin.SimpleListFilter):
    title = _("assignment")
    parameter_name = "assigned"

    def lookups(self, request, model_admin):
        return [("me", _("Mine")), ("none", _("Unassigned"))]

    def queryset(self, request, queryset):
        if self.value() == "me":
            return queryset.filter(assigned_to=request.user)
        if self.value() == "none":
            return queryset.filter(assigned_to__isnull=True)
        return queryset


class OpenFilter(admin.SimpleListFilter):
    title = _("open or closed")
    parameter_name = "open"

    def lookups(self, request, model_admin):
        return [("yes", _("Open")), ("no", _("Closed"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(status__in=OPEN_STATUSES)
        if self.value() == "no":
            return queryset.exclude(status__in=OPEN_STATUSES)
        return queryset


class MessageInline(admin.TabularInline):
    model = RequestMessage
    extra = 0
    can_delete = False
    fields = ("created_at", "author", "by_staff", "internal", "body", "files")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("files"))
    def files(self, message: RequestMessage) -> str:
        links = [
            format_html(
                '<a href="{}">{}</a>',
                reverse("admin:support_supportrequest_file", args=[message.request_id, file.token]),
                file.name,
            )
            for file in message.attachments.all()
        ]
        return format_html(", ".join(["{}"] * len(links)), *links) if links else "—"


class EventInline(admin.TabularInline):
    model = RequestEvent
    extra = 0
    can_delete = False
    fields = ("created_at", "from_status", "to_status", "actor", "note")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(SupportRequest)
class SupportRequestAdmin(admin.ModelAdmin):
    list_display = [
        "reference_link",
        "account",
        "kind",
        "subject",
        "invoice",
        "status",
        "assigned_to",
        "sla_age",
        "created_at",
    ]
    list_filter = [OpenFilter, "status", "kind", AgeFilter, AssignedFilter]
    search_fields = [
        "subject",
        "account__customer_number",
        "account__legal_name",
        "invoice__number",
        "po_number",
    ]
    list_select_related = ["account", "invoice", "assigned_to"]
    ordering = ["waiting_since", "created_at"]
    inlines = [MessageInline, EventInline]
    change_form_template = "admin/support/supportrequest/change_form.html"
    exclude = ["lines"]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields] + ["contested_lines"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("request"), ordering="pk")
    def reference_link(self, obj: SupportRequest) -> str:
        return obj.reference

    @admin.display(description=_("contested lines"))
    def contested_lines(self, obj: SupportRequest) -> str:
        return "; ".join(f"{line.display_description} ({line.amount})" for line in obj.lines.all()) or "—"

    @admin.display(description=_("SLA age"), ordering="waiting_since")
    def sla_age(self, obj: SupportRequest) -> str:
        age = request_age(support_request=obj)
        if not age:
            return "—"
        hours = int(age.total_seconds() // 3600)
        text = f"{hours // 24} d {hours % 24} h" if hours >= 24 else f"{hours} h"
        return format_html('<strong style="color:#b42318">{} ⚠</strong>', text) if age > SLA_TARGET else text

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:object_id>/reply/", view(self.reply_view), name="support_supportrequest_reply"),
            path("<int:object_id>/assign/", view(self.assign_view), name="support_supportrequest_assign"),
            path("<int:object_id>/resolve/", view(self.resolve_view), name="support_supportrequest_resolve"),
            path(
                "<int:object_id>/files/<str:token>/", view(self.file_view), name="support_supportrequest_file"
            ),
            *super().get_urls(),
        ]

    def _staff_choices(self) -> list[tuple[str, str]]:
        staff = User.objects.filter(is_staff=True, is_active=True).order_by("email")
        return [(str(user.pk), user.email) for user in staff]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        extra = extra_context or {}
        if obj is not None:
            extra.update(
                reply_form=StaffReplyForm(),
                assign_form=AssignForm(
                    initial={"assigned_to": obj.assigned_to_id or ""}, staff_choices=self._staff_choices()
                ),
                resolve_form=ResolveForm(outcomes=_outcomes_for(obj.kind)) if obj.is_open else None,
                support_request=obj,
            )
        return super().change_view(request, object_id, form_url, extra_context=extra)

    def _object_for_action(self, request, object_id: int) -> SupportRequest:
        if request.method != "POST" or not self.has_change_permission(request):
            raise PermissionDenied
        return get_object_or_404(SupportRequest, pk=object_id)

    def _back(self, object_id: int):
        return redirect("admin:support_supportrequest_change", object_id)

    def reply_view(self, request, object_id: int):
        support_request = self._object_for_action(request, object_id)
        form = StaffReplyForm(request.POST)
        if not form.is_valid():
            self.message_user(request, _("Write a message."), messages.ERROR)
            return self._back(object_id)
        try:
            request_message_post(
                support_request=support_request,
                author=request.user,
                body=form.cleaned_data["body"],
                by_staff=True,
                internal=form.cleaned_data["internal"],
                wait_for_customer=form.cleaned_data["wait_for_customer"],
                request=request,
            )
        except SupportError as error:
            self.message_user(request, str(error), messages.ERROR)
        else:
            self.message_user(request, _("Message recorded."), messages.SUCCESS)
        return self._back(object_id)

    def assign_view(self, request, object_id: int):
        support_request = self._object_for_action(request, object_id)
        form = AssignForm(request.POST, staff_choices=self._staff_choices())
        if form.is_valid():
            chosen = form.cleaned_data["assigned_to"]
            staff = User.objects.filter(pk=chosen, is_staff=True).first() if chosen else None
            request_assign(support_request=support_request, staff=staff, actor=request.user, request=request)
            self.message_user(request, _("Assignment saved."), messages.SUCCESS)
        return self._back(object_id)

    def resolve_view(self, request, object_id: int):
        support_request = self._object_for_action(request, object_id)
        form = ResolveForm(request.POST, outcomes=_outcomes_for(support_request.kind))
        if not form.is_valid():
            self.message_user(request, _("Choose an outcome and write the answer."), messages.ERROR)
            return self._back(object_id)
        new_invoice = None
        number = form.cleaned_data["new_invoice"].strip()
        if number:
            new_invoice = Invoice.objects.filter(number=number, account_id=support_request.account_id).first()
            if new_invoice is None:
                self.message_user(
                    request, _("No invoice %(number)s on this account.") % {"number": number}, messages.ERROR
                )
                return self._back(object_id)
        try:
            request_close(
                support_request=support_request,
                outcome=form.cleaned_data["outcome"],
                message=form.cleaned_data["message"],
                amount=form.cleaned_data["amount"],
                new_invoice=new_invoice,
                actor=request.user,
                request=request,
            )
        except SupportError as error:
            self.message_user(request, str(error), messages.ERROR)
        else:
            self.message_user(request, _("Request closed; the customer is told by email."), messages.SUCCESS)
        return self._back(object_id)

    def file_view(self, request, object_id: int, token: str):
        if not self.has_view_permission(request):
            raise PermissionDenied
        file = RequestAttachment.objects.filter(request_id=object_id, token=token).first()
        if file is None:
            raise Http404
        response = HttpResponse(attachment_bytes(file), content_type=file.content_type)
        response["Content-Disposition"] = f'attachment; filename="{file.name.replace(chr(34), "")}"'
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response


@admin.register(AccountRepresentative)
class AccountRepresentativeAdmin(admin.ModelAdmin):
    list_display = ["account", "role", "name", "email", "hours"]
    list_filter = ["role"]
    search_fields = ["account__customer_number", "account__legal_name", "name", "email"]
    autocomplete_fields = ["account"]
