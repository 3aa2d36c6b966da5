"""Setting up two-step verification, next to allauth's own pages under /accounts/."""

from django.urls import path

from partners.views import tweestaps

urlpatterns = [
    path("accounts/tweestaps/", tweestaps.tweestaps_instellen, name="tweestaps_instellen"),
    path("accounts/tweestaps/klaar/", tweestaps.tweestaps_klaar, name="tweestaps_klaar"),
]
