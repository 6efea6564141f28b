"""The pay flow's URLs. portal/urls.py serves them under /payments/ in the `payments` namespace, beside
payments/urls.py, so paths and names stay as they were (payments:pay, payments:confirmation, ...)
while payments never imports checkout."""

from django.urls import path

from checkout import views

urlpatterns = [
    path("pay/", views.pay, name="pay"),
    path("pay/<str:reference>/card/", views.pay_card, name="pay_card"),
    path("pay/<str:reference>/card/complete/", views.pay_card_complete, name="pay_card_complete"),
    path("pay/<str:reference>/cancel/", views.pay_attempt_cancel, name="pay_attempt_cancel"),
    path("pay/<str:reference>/debit/", views.pay_debit, name="pay_debit"),
    path("pay/<str:reference>/paypal/return/", views.paypal_return, name="paypal_return"),
    path("pay/<str:reference>/paypal/cancel/", views.paypal_cancel, name="paypal_cancel"),
    path("confirmation/<str:reference>/", views.confirmation, name="confirmation"),
]
