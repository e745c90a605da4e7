from django.urls import path

from calls import views

urlpatterns = [
    path("console/", views.console, name="console"),
    path("board/", views.board, name="board"),
    path("unit/", views.unit_terminal, name="unit-terminal"),
]
