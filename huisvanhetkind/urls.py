from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.utils.functional import lazy

from partners.models import Netwerk

from . import health, views, wellknown

# The network's own name, read (from the cache) each time the admin renders its header.
netwerk_naam = lazy(lambda: Netwerk.load().naam, str)()
admin.site.site_header = netwerk_naam
admin.site.site_title = netwerk_naam

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path(".well-known/security.txt", wellknown.security_txt, name="security_txt"),
    path("admin/", admin.site.urls),
    path("api/", include("aanbod.urls.api")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("theme.css", views.theme_css, name="netwerk_theme_css"),
]

urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("privacy/", views.privacy, name="privacy"),
    path("toegankelijkheid/", views.toegankelijkheid, name="toegankelijkheid"),
    path("partner/", include("huisvanhetkind.portal_urls")),
    path("", include("partners.urls")),
    path("", include("aanbod.urls")),
    path("", include("aanbod.uitwisseling.urls")),
    path("", include("vragen.urls")),
    path("accounts/", include("allauth.urls")),
    prefix_default_language=False,
)

handler500 = "huisvanhetkind.errors.server_error"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
