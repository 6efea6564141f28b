from django.urls import path

from invoices import views

app_name = "invoices"
urlpatterns = [
    path("", views.index, name="index"),
    path("export.csv", views.export_csv, name="export"),
    path("<str:number>/", views.detail, name="detail"),
    path("<str:number>/pdf/", views.pdf, name="pdf"),
    path("<str:number>/factur-x/", views.facturx_pdf, name="facturx"),
    path("<str:number>/xml/<str:syntax>/", views.einvoice_xml, name="xml"),
    path(
        "<str:number>/credit-memos/<str:memo_number>/factur-x/",
        views.credit_memo_facturx,
        name="credit_memo_facturx",
    ),
]
