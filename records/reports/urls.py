from django.urls import path

from records.reports import views

urlpatterns = [
    path("reports/", views.reports, name="reports"),
]
