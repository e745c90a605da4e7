from django.urls import path

from records import views

app_name = "records"
urlpatterns = [
    path("calls/<int:pk>/record/", views.call_record_page, name="call-record"),
    path("calls/<int:pk>/record.pdf", views.call_record_pdf_view, name="call-record-pdf"),
    path("photos/<path:name>", views.missing_person_photo, name="photo"),
]
