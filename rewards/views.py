from __future__ import annotations

import csv
import secrets

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.decorators import account_required
from core.csv import csv_text_cell
from core.pagination import CountedPaginator, NearerEndPaginator
from invoices.selectors import invoice_for_user
from payments.models import PaymentMethod
from payments.selectors import payment_for_user
from rewards.activity import rewards_activity
from rewards.eligibility import EXCLUSION_MESSAGES, account_exclusion_reason, invoice_exclusion_reason
from rewards.exceptions import RewardsAmountInvalid, RewardsError
from rewards.forms import RedeemForm
from rewards.selectors import (
    lots_for_rewards_account,
    payable_with_rewards,
    redeemed_on_invoice,
    refused_lines,
    rewards_account_for_user,
    rewards_applicable_amount,
    rewards_summary,
)
from rewards.services import rewards_preview, rewards_redeem

PAYABLE_PAGE_SIZE = 10
LOTS_PAGE_SIZE = 24
ACTIVITY_PAGE_SIZE = 30


def _not_available(request, reason: str):
    return render(
        request, "rewards/not_available.html", {"reason": reason, "message": EXCLUSION_MESSAGES[reason]}
    )


@account_required
@require_GET
def index(request):
    account = request.account
    reason = account_exclusion_reason(account)
    if reason:
        return _not_available(request, reason)
    rewards_account = rewards_account_for_user(user=request.user, account=account)
    if rewards_account is None:
        return render(request, "rewards/not_enrolled.html")
    # The three lists grow with the account: pages of their own (?payable=N, ?lots=N, ?activity=N). A page
    # of lots or activity past the middle is read from the end; the invoices rewards may pay are computed
    # in SQL, the page with their count.
    activity = rewards_activity(rewards_account=rewards_account)
    lots_count, activity_count = activity.counts()  # one statement for both lists' lengths
    lots_page = NearerEndPaginator(
        lots_for_rewards_account(rewards_account=rewards_account), LOTS_PAGE_SIZE, count=lots_count
    ).get_page(request.GET.get("lots"))
    activity_page = NearerEndPaginator(activity, ACTIVITY_PAGE_SIZE, count=activity_count).get_page(
        request.GET.get("activity")
    )
    summary = rewards_summary(rewards_account=rewards_account)
    # Without a balance there is nothing to offer: the table is not shown.
    payable_page = (
        CountedPaginator(
            payable_with_rewards(user=request.user, account=account), PAYABLE_PAGE_SIZE
        ).get_page(request.GET.get("payable"))
        if summary.balance > 0
        else None
    )
    return render(
        request,
        "rewards/index.html",
        {
            "rewards_account": rewards_account,
            "summary": summary,
            "lots": lots_page.object_list,
            "lots_page": lots_page,
            "activity": activity_page.object_list,
            "activity_page": activity_page,
            "may_redeem": request.user.has_perm("accounts.redeem_rewards", account),
            "payable": payable_page.object_list if payable_page else [],
            "payable_page": payable_page,
        },
    )


@account_required
@require_GET
def activity_csv(request):
    account = request.account
    rewards_account = rewards_account_for_user(user=request.user, account=account)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="rewards-activity-{account.customer_number}.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [_("Date"), _("Type"), _("Description"), _("Amount"), _("Currency"), _("Invoice"), _("Payment")]
    )
    # Not enrolled (or excluded): the same file with its header only, nothing to leak either way.
    activity = rewards_activity(rewards_account=rewards_account) if rewards_account else []
    for item in activity:
        writer.writerow(
            [
                item.when.isoformat(),
                item.kind,
                csv_text_cell(item.label),
                str(item.amount),
                item.currency,
                item.invoice_number,
                item.reference,
            ]
        )
    return response


def _panel(request, context: dict, *, status: int = 200):
    if getattr(request, "htmx", False):
        # htmx swaps only 2xx answers: the panel with its errors comes back as 200 to be shown in place.
        return render(request, "rewards/_redeem_panel.html", context)
    return render(request, "rewards/redeem.html", context, status=status)


@account_required
@require_http_methods(["GET", "POST"])
def redeem(request, number: str):
    """Enter the code, see which lots pay how much, confirm. The confirmation carries a one-time token."""
    account = request.account
    invoice = invoice_for_user(user=request.user, account=account, number=number)  # another account's → 404
    if not request.user.has_perm("accounts.redeem_rewards", account):
        raise PermissionDenied
    reason = account_exclusion_reason(account)
    if reason:
        return _not_available(request, reason)
    applicable = rewards_applicable_amount(invoice=invoice)
    context = {
        "invoice": invoice,
        "applicable": applicable,
        "redeemed": redeemed_on_invoice(invoice=invoice),
        "ineligible_reason": invoice_exclusion_reason(invoice) if applicable <= 0 else None,
        "refused_lines": refused_lines(invoice=invoice),
    }
    if request.method == "GET":
        return _panel(request, {**context, "form": RedeemForm()})

    form = RedeemForm(request.POST)
    if not form.is_valid():
        return _panel(request, {**context, "form": form}, status=422)
    code, amount = form.cleaned_data["code"], form.cleaned_data["amount"]
    try:
        if request.POST.get("step") == "confirm" and form.cleaned_data["token"]:
            payment = rewards_redeem(
                user=request.user,
                account=account,
                invoice=invoice,
                code=code,
                amount=amount,
                request=request,
                idempotency_key=form.cleaned_data["token"],
            )
            target = reverse("rewards:receipt", args=[payment.reference])
            if getattr(request, "htmx", False):
                response = HttpResponse(status=204)
                response["HX-Redirect"] = target
                return response
            return redirect(target)
        preview = rewards_preview(
            user=request.user, account=account, invoice=invoice, code=code, amount=amount
        )
    except RewardsError as error:
        form.add_error("amount" if isinstance(error, RewardsAmountInvalid) else "code", str(error))
        return _panel(request, {**context, "form": form}, status=422)
    confirm = RedeemForm(initial={"code": code, "amount": preview.total, "token": secrets.token_urlsafe(24)})
    return _panel(request, {**context, "form": form, "preview": preview, "confirm_form": confirm})


@account_required
@require_GET
def receipt(request, reference: str):
    account = request.account
    payment = payment_for_user(user=request.user, account=account, reference=reference)
    if payment.method != PaymentMethod.REWARDS:
        raise Http404
    redemptions = list(
        payment.redemptions.select_related("lot", "invoice").order_by("lot__expires_on", "lot_id")
    )
    invoice = redemptions[0].invoice if redemptions else None
    rewards_account = rewards_account_for_user(user=request.user, account=account)
    return render(
        request,
        "rewards/receipt.html",
        {
            "payment": payment,
            "redemptions": redemptions,
            "invoice": invoice,
            "redeemed_to_date": redeemed_on_invoice(invoice=invoice) if invoice else None,
            "summary": rewards_summary(rewards_account=rewards_account) if rewards_account else None,
        },
    )
