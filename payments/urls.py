from django.urls import path

from payments import views

app_name = "payments"
urlpatterns = [
    path("", views.index, name="index"),
    path("pay/", views.pay, name="pay"),
    path("pay/<str:reference>/card/", views.pay_card, name="pay_card"),
    path("pay/<str:reference>/card/complete/", views.pay_card_complete, name="pay_card_complete"),
    path("pay/<str:reference>/debit/", views.pay_debit, name="pay_debit"),
    path("pay/<str:reference>/paypal/return/", views.paypal_return, name="paypal_return"),
    path("pay/<str:reference>/paypal/cancel/", views.paypal_cancel, name="paypal_cancel"),
    path("confirmation/<str:reference>/", views.confirmation, name="confirmation"),
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
]
