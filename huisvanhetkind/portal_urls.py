"""The partners' portal under /partner/: the dashboard here, each app's own pages from its urls."""

from django.urls import path

from . import dashboard

urlpatterns = [
    path("", dashboard.dashboard, name="partner_dashboard"),
]
