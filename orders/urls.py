from django.urls import path

from orders import views

# The Orders page itself keeps its historical name `orders` (portal/urls.py); the rest is namespaced.
app_name = "orders"
urlpatterns = [
    path("subscriptions/<str:number>/", views.subscription, name="subscription"),
    path("<str:number>/", views.detail, name="detail"),
    path("<str:number>/document.pdf", views.document, name="document"),
]
