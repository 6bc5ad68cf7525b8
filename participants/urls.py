from django.urls import path

from . import views

app_name = "participants"

member = "projects/<int:project_pk>/participants/<int:membership_pk>/"

urlpatterns = [
    path(
        "projects/<int:project_pk>/participants/",
        views.MembershipListView.as_view(),
        name="membership-list",
    ),
    path(
        "projects/<int:project_pk>/participants/invite/", views.InviteView.as_view(), name="invite"
    ),
    path(
        "projects/<int:project_pk>/participants/invite-many/",
        views.InviteManyView.as_view(),
        name="invite-many",
    ),
    path(
        "projects/<int:project_pk>/participants/add/",
        views.AddManagedView.as_view(),
        name="add-managed",
    ),
    path(member, views.MembershipDetailView.as_view(), name="membership-detail"),
    path(member + "edit/", views.MembershipUpdateView.as_view(), name="membership-edit"),
    path(member + "withdraw/", views.MembershipWithdrawView.as_view(), name="membership-withdraw"),
    path(
        member + "access-needs/", views.MemberAccessNeedsView.as_view(), name="member-access-needs"
    ),
    path(member + "contact/", views.MemberContactView.as_view(), name="member-contact"),
    path("contact/", views.ContactPreferencesView.as_view(), name="contact-preferences"),
    path(
        "projects/<int:project_pk>/my-display-name/",
        views.OwnDisplayNameView.as_view(),
        name="own-display-name",
    ),
    path(
        "projects/<int:project_pk>/invitations/<int:invitation_pk>/resend/",
        views.InvitationResendView.as_view(),
        name="invitation-resend",
    ),
    path(
        "projects/<int:project_pk>/invitations/<int:invitation_pk>/revoke/",
        views.InvitationRevokeView.as_view(),
        name="invitation-revoke",
    ),
    path(
        "projects/<int:project_pk>/consent-statement/",
        views.ConsentStatementView.as_view(),
        name="consent-statement",
    ),
    path("projects/<int:project_pk>/consent/", views.ConsentView.as_view(), name="consent"),
    path(
        "projects/<int:project_pk>/consent/withdraw/",
        views.ConsentWithdrawView.as_view(),
        name="consent-withdraw",
    ),
    path(
        "projects/<int:project_pk>/access-needs/",
        views.AccessNeedsView.as_view(),
        name="access-needs",
    ),
    path(
        "invitations/<str:token>/", views.InvitationAcceptView.as_view(), name="invitation-accept"
    ),
]
