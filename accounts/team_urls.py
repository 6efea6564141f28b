"""The Team section, mounted at /team/ by portal/urls.py: members, invitations, contacts, activity."""

from django.urls import path

from accounts import contact_views, log_views, views

urlpatterns = [
    path("", views.team, name="team"),
    path("invite/", views.team_invite, name="team_invite"),
    path("members/<int:membership_id>/role/", views.team_member_role, name="team_member_role"),
    path("members/<int:membership_id>/remove/", views.team_member_remove, name="team_member_remove"),
    path(
        "invitations/<int:invitation_id>/resend/", views.team_invitation_resend, name="team_invitation_resend"
    ),
    path(
        "invitations/<int:invitation_id>/revoke/", views.team_invitation_revoke, name="team_invitation_revoke"
    ),
    path("contacts/", contact_views.team_contacts, name="team_contacts"),
    path("activity/", log_views.team_activity, name="team_activity"),
    path("activity/export.csv", log_views.team_activity_export, name="team_activity_export"),
]
