from django.urls import path

from records import views

urlpatterns = [
    path("reports/", views.reports, name="reports"),
]
