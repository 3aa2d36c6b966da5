"""The spelotheek's pages: the public catalogue under /spelotheek/ and the counter under /partner/spelotheek/
(both inside the language patterns; included from aanbod.urls)."""

from django.urls import path

from .views import balie, member, public

public_patterns = [
    path("spelotheek/", public.spelotheek_list, name="spelotheek_list"),
    path("spelotheek/<int:pk>/", public.spelotheek_detail, name="spelotheek_detail"),
    path("spelotheek/<int:pk>/reserveren/", member.reserveren, name="spelotheek_reserveren"),
    path("spelotheek/lid/<str:token>/", member.lid_link, name="spelotheek_lid_link"),
    path("spelotheek/mijn/", member.mijn, name="spelotheek_mijn"),
    path("spelotheek/mijn/afmelden/", member.afmelden, name="spelotheek_afmelden"),
    path("spelotheek/mijn/uitleningen/<int:pk>/verlengen/", member.verlengen, name="spelotheek_verlengen"),
    path(
        "spelotheek/mijn/reservaties/<int:pk>/annuleren/",
        member.reservatie_annuleren,
        name="spelotheek_reservatie_annuleren",
    ),
]

B = "partner/spelotheek/<slug:slug>/"
balie_patterns = [
    path("partner/spelotheek/", balie.balie_kiezen, name="balie_kiezen"),
    path(B, balie.balie, name="balie"),
    path(B + "uitlenen/", balie.uitlenen, name="balie_uitlenen"),
    path(B + "terugbrengen/", balie.terugbrengen_zoeken, name="balie_terugbrengen_zoeken"),
    path(B + "uitleningen/<int:pk>/terugbrengen/", balie.terugbrengen, name="balie_terugbrengen"),
    path(B + "uitleningen/<int:pk>/verlengen/", balie.verlengen, name="balie_verlengen"),
    path(B + "uitleningen/<int:pk>/opvolging/", balie.opvolging_sluiten, name="balie_opvolging"),
    path(
        B + "reservaties/<int:pk>/annuleren/", balie.reservatie_annuleren, name="balie_reservatie_annuleren"
    ),
    path(B + "leden/", balie.leden, name="balie_leden"),
    path(B + "leden/nieuw/", balie.lid_nieuw, name="balie_lid_nieuw"),
    path(B + "leden/<int:pk>/", balie.lid_detail, name="balie_lid"),
    path(B + "speelgoed/", balie.speelgoed_lijst, name="balie_speelgoed"),
    path(B + "speelgoed/<int:pk>/hersteld/", balie.hersteld, name="balie_hersteld"),
    path(B + "labels/", balie.labels, name="balie_labels"),
]

urlpatterns = public_patterns + balie_patterns
