from django.urls import path

from rewards import views

app_name = "rewards"
urlpatterns = [
    path("", views.index, name="index"),
    path("activity.csv", views.activity_csv, name="activity_csv"),
    path("redeem/<str:number>/", views.redeem, name="redeem"),
    path("redemptions/<str:reference>/", views.receipt, name="receipt"),
]
