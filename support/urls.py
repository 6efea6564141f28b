from django.urls import path

from support import views

app_name = "support"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.new, name="new"),
    path("documents/", views.documents, name="documents"),
    path("documents/<str:memo_number>/pdf/", views.credit_memo_pdf, name="credit_memo_pdf"),
    path("<int:request_id>/", views.detail, name="detail"),
    path("<int:request_id>/reply/", views.reply, name="reply"),
    path("<int:request_id>/files/<str:token>/", views.attachment, name="attachment"),
]
