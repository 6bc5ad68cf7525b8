from django.urls import path

from . import views

app_name = "conversation"

project = "projects/<int:project_pk>/"
contribution = project + "contributions/<int:contribution_pk>/"
comment = project + "comments/<int:comment_pk>/"

urlpatterns = [
    path(contribution + "comments/", views.CommentCreateView.as_view(), name="comment-create"),
    path(comment + "reply/", views.CommentReplyView.as_view(), name="comment-reply"),
    path(comment + "edit/", views.CommentUpdateView.as_view(), name="comment-edit"),
    path(comment + "withdraw/", views.CommentWithdrawView.as_view(), name="comment-withdraw"),
    path(
        contribution + "report/",
        views.ContributionReportView.as_view(),
        name="contribution-report",
    ),
    path(comment + "report/", views.CommentReportView.as_view(), name="comment-report"),
    path(project + "safeguarding/", views.SafeguardingView.as_view(), name="safeguarding"),
    path(project + "moderation/", views.ModerationQueueView.as_view(), name="moderation-queue"),
    path(
        project + "moderation/reports/<int:report_pk>/resolve/",
        views.ReportResolveView.as_view(),
        name="report-resolve",
    ),
    path(contribution + "hide/", views.ContributionHideView.as_view(), name="contribution-hide"),
    path(
        contribution + "restore/",
        views.ContributionRestoreView.as_view(),
        name="contribution-restore",
    ),
    path(
        contribution + "redact/",
        views.ContributionRedactView.as_view(),
        name="contribution-redact",
    ),
    path(comment + "hide/", views.CommentHideView.as_view(), name="comment-hide"),
    path(comment + "restore/", views.CommentRestoreView.as_view(), name="comment-restore"),
    path(comment + "redact/", views.CommentRedactView.as_view(), name="comment-redact"),
]
