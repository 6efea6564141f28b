from django.urls import path

from invoices import views

app_name = "invoices"
urlpatterns = [
    path("", views.index, name="index"),
    path("export.csv", views.export_csv, name="export"),
    path("<str:number>/", views.detail, name="detail"),
    path("<str:number>/pdf/", views.pdf, name="pdf"),
]
