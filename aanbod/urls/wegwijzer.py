from django.urls import path

from ..views import wegwijzer

urlpatterns = [
    path("aanbod/", wegwijzer.aanbod_list, name="aanbod_list"),
    path("aanbod/<slug:slug>/", wegwijzer.aanbod_detail, name="aanbod_detail"),
    path("agenda/", wegwijzer.agenda, name="agenda"),
    path("agenda/afdruk/", wegwijzer.agenda_afdruk, name="agenda_afdruk"),
    path("agenda.ics", wegwijzer.agenda_ics, name="agenda_ics"),
    path("activiteiten/<int:pk>.ics", wegwijzer.activiteit_ics, name="activiteit_ics"),
]
