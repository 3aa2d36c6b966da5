from django.urls import path

from ..views import public

urlpatterns = [
    path("partners/", public.partner_list, name="partner_list"),
    path("partners/<slug:slug>/", public.partner_detail, name="partner_detail"),
]
