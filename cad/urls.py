from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from cad import views

api_v1 = [
    path("", include("calls.api.urls")),
    path("", include("units.api.urls")),
    path("", include("premises.api.urls")),
    path("", include("records.api.urls")),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("", include("calls.urls")),  # the console and the board
    path("healthz", views.healthz, name="healthz"),
    path("accounts/login/", views.SignInView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("records/", include("records.urls")),  # a call's printable record
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", views.ApiDocsView.as_view(url_name="schema"), name="api-docs"),
]

admin.site.site_header = "CAD records"
admin.site.site_title = "CAD records"
admin.site.index_title = "Records, reference data and units"

handler400 = "cad.views.bad_request"
handler403 = "cad.views.permission_denied"
handler404 = "cad.views.not_found"
handler500 = "cad.views.server_error"
