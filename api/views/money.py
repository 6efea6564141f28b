"""The account, its payments and receipts, Support Rewards, and remittance advices (the one money write)."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from accounts.permissions import role_of
from api.auth import api_token
from api.errors import READ_ERRORS, WRITE_ERRORS, ApiError, errors
from api.serializers import (
    AccountSerializer,
    PaymentFilterSerializer,
    PaymentSerializer,
    RemittanceAdviceSerializer,
    RewardLotSerializer,
    RewardsBalanceSerializer,
    money,
)
from api.views.common import (
    AccountView,
    CreatedPagination,
    DocumentView,
    ReadsAndCreates,
    attachment,
    document_responses,
    path_number,
)
from invoices.selectors import invoice_balances_for_account, invoice_for_user, invoices_for_user
from payments.ledger import PaymentError
from payments.models import PaymentStatus, RemittanceAdvice
from payments.selectors import payment_for_user, payments_for_user
from payments.services.offline import remittance_advice_record
from rewards.selectors import lots_for_rewards_account, rewards_account_for_user, rewards_summary

REFERENCE = path_number("reference", "Payment reference.")


class AccountDetail(AccountView):
    @extend_schema(
        operation_id="account_retrieve",
        summary="The account of the token (or of the session), with its balances per currency",
        responses={200: AccountSerializer, **errors(401, 403, 406, 429)},
        tags=["account"],
    )
    def get(self, request):
        account = self.account()
        token = api_token(request)
        return Response(
            {
                "customer_number": account.customer_number,
                "legal_name": account.legal_name,
                "country": account.country,
                "currency": account.currency,
                "language": account.language,
                "role": role_of(request.user, account),
                "token_access": token.role if token is not None else None,
                "balances": [
                    {
                        "currency": balance.currency,
                        "amount_due": money(balance.amount_due, balance.currency),
                        "open_count": balance.open_count,
                        "overdue_count": balance.overdue_count,
                        "overdue_amount": money(balance.overdue_amount, balance.currency),
                        "next_due_date": balance.next_due_date.isoformat() if balance.next_due_date else None,
                    }
                    for balance in invoice_balances_for_account(account=account)
                ],
            }
        )


class PaymentList(AccountView, GenericAPIView):
    pagination_class = CreatedPagination

    @extend_schema(
        operation_id="payments_list",
        summary="Payments, newest first",
        parameters=[PaymentFilterSerializer],
        responses={200: PaymentSerializer(many=True), **errors(*READ_ERRORS)},
        tags=["payments"],
    )
    def get(self, request):
        params = PaymentFilterSerializer(data=request.query_params.dict())
        params.is_valid(raise_exception=True)
        payments = payments_for_user(
            user=request.user,
            account=self.account(),
            status=params.validated_data.get("status", ""),
            method=params.validated_data.get("method", ""),
        )
        page = self.paginate_queryset(payments)
        return self.get_paginated_response(PaymentSerializer(page, many=True).data)


class PaymentDetail(AccountView):
    @extend_schema(
        operation_id="payments_retrieve",
        summary="One payment and the invoices it paid",
        parameters=[REFERENCE],
        responses={200: PaymentSerializer, **errors(*READ_ERRORS)},
        tags=["payments"],
    )
    def get(self, request, reference: str):
        payment = payment_for_user(user=request.user, account=self.account(), reference=reference)
        return Response(PaymentSerializer(payment).data)


class PaymentReceipt(DocumentView):
    @extend_schema(
        operation_id="payments_receipt",
        summary="The receipt PDF of a succeeded payment",
        parameters=[REFERENCE],
        responses=document_responses("application/pdf"),
        tags=["payments"],
    )
    def get(self, request, reference: str):
        from payments.receipts import payment_receipt_pdf  # WeasyPrint: imported where it is used

        payment = payment_for_user(user=request.user, account=self.account(), reference=reference)
        if payment.status != PaymentStatus.SUCCEEDED:
            raise Http404
        return attachment(
            data=payment_receipt_pdf(payment=payment),
            content_type="application/pdf",
            file_name=f"receipt-{payment.reference}.pdf",
        )


class RewardsBalance(AccountView):
    @extend_schema(
        operation_id="rewards_retrieve",
        summary="Support Rewards: balance usable today and the next expiry",
        responses={200: RewardsBalanceSerializer, **errors(401, 403, 406, 429)},
        tags=["rewards"],
    )
    def get(self, request):
        rewards_account = rewards_account_for_user(user=request.user, account=self.account())
        if rewards_account is None:
            return Response(
                {
                    "enrolled": False,
                    "balance": None,
                    "rate": None,
                    "next_expiry": None,
                    "next_expiry_amount": None,
                }
            )
        summary = rewards_summary(rewards_account=rewards_account)
        return Response(
            {
                "enrolled": True,
                "balance": money(summary.balance, summary.currency),
                "rate": str(rewards_account.rate),
                "next_expiry": summary.next_expiry.isoformat() if summary.next_expiry else None,
                "next_expiry_amount": money(summary.next_expiry_amount, summary.currency)
                if summary.next_expiry
                else None,
            }
        )


class RewardLots(AccountView):
    @extend_schema(
        operation_id="rewards_lots_list",
        summary="Support Rewards lots (one per month and subscription), newest month first",
        responses={200: RewardLotSerializer(many=True), **errors(401, 403, 406, 429)},
        tags=["rewards"],
    )
    def get(self, request):
        rewards_account = rewards_account_for_user(user=request.user, account=self.account())
        lots = lots_for_rewards_account(rewards_account=rewards_account) if rewards_account else []
        return Response(RewardLotSerializer(lots, many=True).data)


class RemittanceAdviceList(ReadsAndCreates, GenericAPIView):
    pagination_class = CreatedPagination

    @extend_schema(
        operation_id="remittance_advices_list",
        summary="Transfers and cheques announced, newest first",
        responses={200: RemittanceAdviceSerializer(many=True), **errors(*READ_ERRORS)},
        tags=["payments"],
    )
    def get(self, request):
        advices = RemittanceAdvice.objects.filter(
            invoice__in=invoices_for_user(user=request.user, account=self.account())
        ).select_related("invoice")
        page = self.paginate_queryset(advices)
        return self.get_paginated_response(RemittanceAdviceSerializer(page, many=True).data)

    @extend_schema(
        operation_id="remittance_advices_create",
        summary="Announce a bank transfer, ACH credit or cheque sent for an invoice",
        description=(
            "The same rules as the portal's transfer form: the invoice's currency, at most its balance due, "
            "a method the payment policy allows for it, a date not in the future. Sending the same advice "
            "twice returns the first one (200 instead of 201)."
        ),
        request=RemittanceAdviceSerializer,
        responses={201: RemittanceAdviceSerializer, 200: RemittanceAdviceSerializer, **errors(*WRITE_ERRORS)},
        tags=["payments"],
    )
    def post(self, request):
        body = RemittanceAdviceSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        invoice = invoice_for_user(user=request.user, account=self.account(), number=data["invoice"])
        existing = set(RemittanceAdvice.objects.filter(invoice=invoice).values_list("pk", flat=True))
        try:
            advice = remittance_advice_record(
                invoice=invoice,
                method=data["method"],
                paid_on=data["paid_on"],
                amount=data["amount"],
                customer_reference=data.get("customer_reference", ""),
                user=request.user,
                request=request._request,
            )
        except PaymentError as error:
            raise ApiError(str(error)) from None
        status = 200 if advice.pk in existing else 201
        return Response(RemittanceAdviceSerializer(advice).data, status=status)
