"""The partners' portal under /partner/: the dashboard here; each app's own portal pages live in its urls
(partners.urls.portal: /partner/organisatie/…, /partner/uitnodiging/…; aanbod.urls.portal:
/partner/aanbod/…, /partner/activiteiten/…, /partner/locaties/…)."""

from django.urls import path

from . import dashboard

urlpatterns = [
    path("", dashboard.dashboard, name="partner_dashboard"),
]
