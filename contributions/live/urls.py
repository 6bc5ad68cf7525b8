from django.urls import path

from . import views

app_name = "live"

board = "projects/<int:project_pk>/sessions/<int:session_pk>/live/"

urlpatterns = [
    # What people type on their phones, and what the QR code holds: short on purpose.
    path("live/", views.JoinView.as_view(), name="join"),
    path("live/<str:code>/", views.BoardJoinView.as_view(), name="board-join"),
    path(board, views.BoardScreenView.as_view(), name="board-screen"),
    path(board + "open/", views.BoardOpenView.as_view(), name="board-open"),
    path(board + "items/", views.BoardItemsView.as_view(), name="board-items"),
    path(board + "add/", views.BoardAddForView.as_view(), name="board-add-for"),
    path(board + "close/", views.BoardCloseView.as_view(), name="board-close"),
]
