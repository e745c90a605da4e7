from django.urls import path

from premises.api.views import AddressLookupView, BeatsView

urlpatterns = [
    path("addresses/", AddressLookupView.as_view(), name="address-lookup"),
    path("beats/", BeatsView.as_view(), name="beats"),
]
