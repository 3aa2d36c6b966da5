from django.urls import path

from huisvanhetkind.stub import todo

urlpatterns = [
    path("inschrijving/<str:token>/", todo, name="inschrijving_manage"),
]
