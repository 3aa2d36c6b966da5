from django.urls import path

from huisvanhetkind.stub import todo

urlpatterns = [
    path("activiteiten/<int:pk>/inschrijven/", todo, name="activiteit_inschrijven"),
    path("inschrijving/<str:token>/", todo, name="inschrijving_manage"),
]
