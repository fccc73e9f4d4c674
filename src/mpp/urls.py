from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.utils.functional import lazy
from django.views.generic import RedirectView

from mpp.api import api
from mpp.core import views as core_views
from mpp.portal import views as portal_views

admin.site.site_header = "MPP Digital"
admin.site.site_title = "MPP Digital"
admin.site.index_title = "Administrasi"

# The resolver tries these in order: probes and the public verification page (every QR code
# scan) first, so they are found without trying every other app's patterns.
handler500 = "mpp.core.views.server_error"  # a database that does not answer: 503 with Retry-After

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    # Browsers and crawlers ask for /favicon.ico whatever the page links: the static file, under its hashed name.
    path("favicon.ico", RedirectView.as_view(url=lazy(static, str)("mpp/favicon.ico")), name="favicon"),
    path("", portal_views.home, name="home"),
    path("", include("mpp.documents.urls")),
    path("", include("mpp.portal.urls")),
    path("", include("mpp.catalog.urls")),
    path("", include("mpp.applications.urls")),
    path("", include("mpp.identity.urls")),
    path("", include("mpp.sso.urls")),
    path("", include("mpp.onboarding.urls")),
    path("", include("mpp.complaints.urls")),
    path("", include("mpp.monitoring.urls")),
    path("", include("mpp.surveys.urls")),
    path("", include("mpp.queueing.urls")),
    path("", include("mpp.payments.urls")),
    path("", include("mpp.villages.urls")),
    path("", include("mpp.statistics.urls")),
    path("api/v1/", api.urls),
    path("bahasa/<str:language>/", core_views.switch_language, name="switch_language"),
    path("csp-report/", core_views.csp_report, name="csp_report"),
    path("admin/", admin.site.urls),
]
