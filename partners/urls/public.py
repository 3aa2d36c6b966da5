from django.urls import path

from huisvanhetkind.stub import todo

urlpatterns = [
    path("partners/", todo, name="partner_list"),
    path("partners/<slug:slug>/", todo, name="partner_detail"),
]
