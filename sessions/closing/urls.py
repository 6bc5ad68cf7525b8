from django.urls import path

from . import views

app_name = "closing"

project = "projects/<int:project_pk>/"
session = project + "sessions/<int:session_pk>/"
payment = project + "payments/<int:recognition_pk>/"
own_payment = project + "my-payments/<int:recognition_pk>/"

urlpatterns = [
    path(
        "organisations/<int:organisation_pk>/payment-terms/",
        views.OrganisationPaymentTermsView.as_view(),
        name="organisation-payment-terms",
    ),
    path(session + "close/", views.SessionCloseView.as_view(), name="session-close"),
    path(session + "walk-ins/add/", views.WalkInAddView.as_view(), name="walk-in-add"),
    path(
        session + "walk-ins/<int:walk_in_pk>/invite/",
        views.WalkInInviteView.as_view(),
        name="walk-in-invite",
    ),
    path(session + "photos/", views.SessionPhotosView.as_view(), name="session-photos"),
    path(session + "photos/<int:photo_pk>/", views.PhotoFileView.as_view(), name="photo-file"),
    path(
        session + "photos/<int:photo_pk>/delete/",
        views.PhotoDeleteView.as_view(),
        name="photo-delete",
    ),
    path(project + "payment-policy/", views.PaymentPolicyView.as_view(), name="payment-policy"),
    path(project + "payments/", views.RecognitionListView.as_view(), name="payment-list"),
    path(project + "payments.csv", views.PaymentsCsvView.as_view(), name="payment-csv"),
    path(payment, views.RecognitionUpdateView.as_view(), name="recognition-edit"),
    path(
        payment + "expenses/add/",
        views.ExpenseClaimAddView.as_view(),
        name="expense-claim-add",
    ),
    path(
        payment + "expenses/<int:expense_pk>/receipt/",
        views.ReceiptView.as_view(),
        name="expense-receipt",
    ),
    path(project + "my-payments/", views.MyPaymentsView.as_view(), name="my-payments"),
    path(
        own_payment + "decline/",
        views.RecognitionDeclineView.as_view(),
        name="recognition-decline",
    ),
    path(
        own_payment + "expenses/add/",
        views.OwnExpenseClaimAddView.as_view(),
        name="own-expense-claim-add",
    ),
]
