from django.urls import path

from accounts import views

urlpatterns = [
    path("switch/", views.account_switch, name="account_switch"),
    # The emailed invitation link; reachable signed out (the Team section itself is in team_urls.py).
    path("invitations/<int:invitation_id>/<str:token>/", views.invitation_accept, name="invitation_accept"),
]
