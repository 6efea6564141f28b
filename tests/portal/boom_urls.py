"""A URLconf whose only page fails, to see the 500 page (tests/portal/test_error_pages.py)."""

from django.urls import path

from portal.urls import handler403, handler404, handler500, urlpatterns


def boom(request):
    raise RuntimeError("boom")


urlpatterns = [path("boom/", boom), *urlpatterns]
__all__ = ["handler403", "handler404", "handler500", "urlpatterns"]
