from django.urls import path

from ..views import public

urlpatterns = [
    path("vraag/", public.vraag_stellen, name="vraag_stellen"),
    path("vraag/antwoord/", public.vraag_antwoord, name="vraag_antwoord"),
]
