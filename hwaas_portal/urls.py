from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

# A URL that matches no API route (e.g. /api/v1/devices/abc/) still answers in the API's error format.
handler404 = "core.api.not_found"
# The same for Django's own 400 (413 for a body too large), 403 and 500.
handler400 = "core.api.bad_request"
handler403 = "core.api.permission_denied"
handler500 = "core.api.server_error"

admin.site.site_header = "HWaaS Partner Portal — vendor staff"
admin.site.site_title = "HWaaS Portal admin"

api_v1 = [
    path("", include("accounts.api.urls")),
    path("", include("devices.api.urls")),
    path("", include("billing.api.urls")),
    path("", include("projects.api.urls")),
    path("", include("quotes.api.urls")),
    path("", include("orders.api.urls")),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include("accounts.urls")),
    path("devices/", include("devices.urls")),
    path("projects/", include("projects.urls")),
    path("quotes/", include("quotes.urls")),
    path("orders/", include("orders.urls")),
    path("billing/", include("billing.urls")),
    path("", include("portal.urls")),
]
