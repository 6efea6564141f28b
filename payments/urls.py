"""Payments URLs. The pay flow's pages (pay/, confirmation/) are checkout's, served in this same
`payments` namespace by portal/urls.py: see checkout/urls.py."""

from django.urls import path

from payments import views

app_name = "payments"
urlpatterns = [
    path("", views.index, name="index"),
    path("autopay/", views.autopay, name="autopay"),
    path("webhooks/stripe/", views.stripe_webhook, name="stripe_webhook"),
    path("webhooks/paypal/", views.paypal_webhook, name="paypal_webhook"),
    path("receipts/<str:reference>.pdf", views.receipt, name="receipt"),
    path("remittance/<str:number>/", views.remittance_advice, name="remittance_advice"),
    path(
        "remittance/<str:number>/<int:advice_id>/withdraw/",
        views.remittance_withdraw,
        name="remittance_withdraw",
    ),
    path("credit/<str:currency>/apply/", views.account_credit_apply, name="credit_apply"),
    path("credit/<str:currency>/refund/", views.refund_request, name="refund_request"),
    path("credit/refund/<int:payment_id>/", views.late_payment_refund, name="late_payment_refund"),
]
