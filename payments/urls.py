from django.urls import path

from payments import views

app_name = "payments"
urlpatterns = [
    path("", views.index, name="index"),
    path("pay/", views.pay, name="pay"),
]
