from django.urls import path

from huisvanhetkind.stub import todo

urlpatterns = [
    path("aanbod/", todo, name="aanbod_list"),
    path("aanbod/<slug:slug>/", todo, name="aanbod_detail"),
    path("agenda/", todo, name="agenda"),
]
