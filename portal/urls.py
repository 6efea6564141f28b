from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

import checkout.urls
import payments.urls
from orders import views as orders_views
from portal import health, views

# Admin sign-in goes through allauth: same rate limits, same MFA as the portal.
admin.autodiscover()
# allauth's documented recipe; mypy forbids assigning to a method (a typed AdminSite subclass would need
# AdminConfig.default_site in INSTALLED_APPS for the same effect).
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]
admin.site.site_header = "Customer Center — billing support"
admin.site.site_title = "Customer Center admin"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("help/", include("support.help.urls")),  # the help center keeps the `help` name
    path("assistant/", include("support.assistant.urls")),
    path("orders/", orders_views.index, name="orders"),
    path("orders/", include("orders.urls")),
    path("team/", include("accounts.team_urls")),
    path("healthz", health.readiness, name="healthz"),
    path("healthz/live", health.liveness, name="healthz_live"),
    path("robots.txt", views.robots_txt),
    path("account/", include("allauth.urls")),
    path("accounts/", include("accounts.urls")),
    path("invoices/", include("invoices.urls")),
    # One `payments` namespace for the payments pages and checkout's pay flow (payments:pay, ...).
    path("payments/", include((payments.urls.urlpatterns + checkout.urls.urlpatterns, "payments"))),
    path("rewards/", include("rewards.urls")),
    path("api/v1/", include("api.urls")),
    path("developers/", include("api.page_urls")),
    path("requests/", include("support.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
# No /media/ route, in any mode: documents live in private storage and only views that check access
# serve them (issue 10, item 4).

handler400 = "portal.errors.error_400"
handler403 = "portal.errors.error_403"
handler404 = "portal.errors.error_404"
handler500 = "portal.errors.error_500"
