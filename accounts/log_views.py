"""Activity tab of the Team section: the account's log, filtered and paginated, and its CSV export."""

from __future__ import annotations

import csv
import datetime

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import selectors
from accounts.activity import action_label, actor_label
from accounts.decorators import account_required
from accounts.forms import ActivityFilterForm
from accounts.views import forbidden, require_perm
from core.csv import csv_text_cell

ACTIVITY_PAGE_SIZE = 25


def _activity_filters(request, account) -> tuple[ActivityFilterForm, selectors.ActivityFilters]:
    form = ActivityFilterForm(
        request.GET or None,
        kinds=selectors.activity_kinds(account=account),
        actions=selectors.activity_actions(account=account),
        actors=selectors.activity_actors(account=account),
    )
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = selectors.ActivityFilters(
            kind=data["kind"],
            action=data["action"],
            actor=data["actor"],
            date_from=data["date_from"],
            date_to=data["date_to"],
        )
    else:
        filters = selectors.ActivityFilters()
    return form, filters


@account_required
def team_activity(request):
    account = request.account
    if not request.user.has_perm("accounts.view_activity", account):
        return forbidden(
            request, account=account, what=_("Only a billing contact can read the activity log.")
        )
    form, filters = _activity_filters(request, account)
    entries = selectors.activity_for_account(account=account, filters=filters).select_related("actor")
    page = Paginator(entries, ACTIVITY_PAGE_SIZE).get_page(request.GET.get("page"))
    for entry in page.object_list:
        entry.action_label = action_label(entry.action)
        entry.sentence_text = entry.sentence
        entry.actor_label = actor_label(
            actor_email=entry.actor_email, by_vendor_support=entry.by_vendor_support
        )
    export_query = request.GET.copy()
    export_query.pop("page", None)
    return render(
        request,
        "accounts/activity.html",
        {
            "account": account,
            "form": form,
            "page": page,
            "export_query": export_query.urlencode(),
            "tab": "activity",
        },
    )


@account_required
def team_activity_export(request):
    account = request.account
    require_perm(request, "accounts.view_activity", account)
    _form, filters = _activity_filters(request, account)
    entries = selectors.activity_for_account(account=account, filters=filters)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"activity-{account.customer_number}-{timezone.localdate():%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow([_("Date (UTC)"), _("Person"), _("Action"), _("Details"), _("Target"), _("IP address")])
    for entry in entries.iterator(chunk_size=500):
        writer.writerow(
            [
                csv_text_cell(entry.created_at.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S")),
                csv_text_cell(
                    actor_label(actor_email=entry.actor_email, by_vendor_support=entry.by_vendor_support)
                ),
                csv_text_cell(action_label(entry.action)),
                csv_text_cell(entry.sentence),
                csv_text_cell(entry.target),
                csv_text_cell(entry.ip_address),
            ]
        )
    return response
