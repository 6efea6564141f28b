"""Mounted at /help/ by portal/urls.py, without a namespace: `help` stays the Help page's name."""

from django.urls import path

from support.help import views

urlpatterns = [
    path("", views.help_center, name="help"),
    path("<slug:slug>/", views.help_article_page, name="help_article"),
]
