from django.urls import path

from aanbod.views import inschrijving as views

urlpatterns = [
    path("activiteiten/<int:pk>/inschrijven/", views.activiteit_inschrijven, name="activiteit_inschrijven"),
    path(
        "activiteiten/<int:pk>/inschrijven/verstuurd/",
        views.activiteit_inschrijving_verstuurd,
        name="activiteit_inschrijving_verstuurd",
    ),
    path("reeksen/<int:pk>/inschrijven/", views.reeks_inschrijven, name="reeks_inschrijven"),
    path(
        "reeksen/<int:pk>/inschrijven/verstuurd/",
        views.reeks_inschrijving_verstuurd,
        name="reeks_inschrijving_verstuurd",
    ),
    path("inschrijving/<str:token>/", views.inschrijving_manage, name="inschrijving_manage"),
    path("inschrijving/<str:token>/annuleren/", views.inschrijving_annuleren, name="inschrijving_annuleren"),
    path("inschrijving/<str:token>/activiteit.ics", views.inschrijving_ics, name="inschrijving_ics"),
]
