"""Mounted at /assistant/ by portal/urls.py."""

from django.urls import path

from support.assistant import views

urlpatterns = [
    path("", views.assistant, name="assistant"),
    path("escalate/", views.escalate, name="assistant_escalate"),
]
