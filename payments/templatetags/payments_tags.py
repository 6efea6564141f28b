"""Pieces of the payments app that other pages include: the dashboard's credit card, the invoice's transfer
panel and its announced-transfer notice."""

from django import template

from payments.selectors import account_credit_summary, remittance_advices_announced

register = template.Library()


@register.inclusion_tag("payments/credit_dashboard.html", takes_context=True)
def account_credit_card(context):
    """Account credit of the current account, per currency (nothing when there is none)."""
    request = context["request"]
    account = getattr(request, "account", None)
    credits = account_credit_summary(account=account) if account is not None else []
    return {"credits": credits, "request": request}


@register.inclusion_tag("payments/_remittance_panel.html", takes_context=True)
def remittance_panel(context, invoice):
    """Announced transfers of `invoice` and the form to record one; `invoice` is already scoped to the user."""
    from payments.views.offline import remittance_panel_context

    request = context["request"]
    return {
        **remittance_panel_context(request=request, invoice=invoice),
        "request": request,
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("payments/_announced_transfer_notice.html", takes_context=True)
def announced_transfer_notice(context, invoice):
    """On the invoice page, next to Pay: a transfer already announced for it, with the offer to withdraw it."""
    request = context["request"]
    return {
        "announced_transfers": remittance_advices_announced(invoices=[invoice]),
        "may_pay": request.user.has_perm("accounts.pay", invoice.account),
        "next_url": request.get_full_path(),
        "request": request,
        "csrf_token": context.get("csrf_token"),
    }
