"""/api/v1/: the REST API, its OpenAPI schema and its documentation pages (Swagger UI, Redoc: our static files)."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from api.views import invoices, money, orders, support

app_name = "api"
urlpatterns = [
    path("account/", money.AccountDetail.as_view(), name="account"),
    path("invoices/", invoices.InvoiceList.as_view(), name="invoices"),
    path("invoices/<str:number>/", invoices.InvoiceDetail.as_view(), name="invoice"),
    path("invoices/<str:number>/lines/", invoices.InvoiceLines.as_view(), name="invoice_lines"),
    path("invoices/<str:number>/pdf/", invoices.InvoicePdf.as_view(), name="invoice_pdf"),
    path("invoices/<str:number>/e-invoice/", invoices.InvoiceEInvoice.as_view(), name="invoice_einvoice"),
    path("credit-memos/", invoices.CreditMemoList.as_view(), name="credit_memos"),
    path("credit-memos/<str:number>/", invoices.CreditMemoDetail.as_view(), name="credit_memo"),
    path("payments/", money.PaymentList.as_view(), name="payments"),
    path("payments/<str:reference>/", money.PaymentDetail.as_view(), name="payment"),
    path("payments/<str:reference>/receipt/", money.PaymentReceipt.as_view(), name="payment_receipt"),
    path("remittance-advices/", money.RemittanceAdviceList.as_view(), name="remittance_advices"),
    path("rewards/", money.RewardsBalance.as_view(), name="rewards"),
    path("rewards/lots/", money.RewardLots.as_view(), name="reward_lots"),
    path("orders/", orders.OrderList.as_view(), name="orders"),
    path("orders/<str:number>/", orders.OrderDetail.as_view(), name="order"),
    path("subscriptions/", orders.SubscriptionList.as_view(), name="subscriptions"),
    path("subscriptions/<str:number>/", orders.SubscriptionDetail.as_view(), name="subscription"),
    path("support-requests/", support.SupportRequestList.as_view(), name="support_requests"),
    path("support-requests/<int:id>/", support.SupportRequestDetail.as_view(), name="support_request"),
    # The schema and its readers are public, like any published API reference: they describe, never show data.
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
]
