from django.urls import path

from huisvanhetkind.stub import todo

urlpatterns = [
    path("vraag/", todo, name="vraag_stellen"),
]
