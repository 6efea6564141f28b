from django.urls import path

from rewards import views

app_name = "rewards"
urlpatterns = [
    path("", views.index, name="index"),
]
