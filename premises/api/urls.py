from django.urls import path

from premises.api.views import AddressLookupView

urlpatterns = [path("addresses/", AddressLookupView.as_view(), name="address-lookup")]
