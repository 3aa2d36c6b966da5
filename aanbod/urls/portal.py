"""The partners' portal pages of the aanbod app, under /partner/ (see huisvanhetkind.portal_urls)."""

from django.urls import path

from aanbod.views import portal, portal_activiteiten, portal_reeksen

urlpatterns = [
    path("partner/aanbod/", portal.aanbod_list, name="portal_aanbod_list"),
    path("partner/aanbod/nieuw/", portal.aanbod_nieuw, name="portal_aanbod_nieuw"),
    path(
        "partner/aanbod/nagekeken/<str:token>/",
        portal.aanbod_nagekeken_link,
        name="portal_aanbod_nagekeken_link",
    ),
    path("partner/aanbod/<int:pk>/", portal.aanbod_detail, name="portal_aanbod_detail"),
    path("partner/aanbod/<int:pk>/bewerken/", portal.aanbod_bewerken, name="portal_aanbod_bewerken"),
    path("partner/aanbod/<int:pk>/indienen/", portal.aanbod_indienen, name="portal_aanbod_indienen"),
    path("partner/aanbod/<int:pk>/archiveren/", portal.aanbod_archiveren, name="portal_aanbod_archiveren"),
    path("partner/aanbod/<int:pk>/nagekeken/", portal.aanbod_nagekeken, name="portal_aanbod_nagekeken"),
    path(
        "partner/aanbod/<int:pk>/openingsuren/", portal.aanbod_openingsuren, name="portal_aanbod_openingsuren"
    ),
    path(
        "partner/aanbod/<int:aanbod_pk>/activiteiten/nieuw/",
        portal_activiteiten.activiteit_nieuw,
        name="portal_activiteit_nieuw",
    ),
    path(
        "partner/aanbod/<int:aanbod_pk>/activiteiten/reeks/",
        portal_activiteiten.activiteit_reeks,
        name="portal_activiteit_reeks",
    ),
    path("partner/activiteiten/", portal_activiteiten.activiteit_list, name="portal_activiteit_list"),
    path(
        "partner/activiteiten/toevoegen/",
        portal_activiteiten.activiteit_toevoegen,
        name="portal_activiteit_toevoegen",
    ),
    path(
        "partner/activiteiten/<int:pk>/",
        portal_activiteiten.activiteit_detail,
        name="portal_activiteit_detail",
    ),
    path(
        "partner/activiteiten/<int:pk>/bewerken/",
        portal_activiteiten.activiteit_bewerken,
        name="portal_activiteit_bewerken",
    ),
    path(
        "partner/activiteiten/<int:pk>/annuleren/",
        portal_activiteiten.activiteit_annuleren,
        name="portal_activiteit_annuleren",
    ),
    path(
        "partner/activiteiten/<int:pk>/inschrijvingen.csv",
        portal_activiteiten.activiteit_csv,
        name="portal_activiteit_csv",
    ),
    path(
        "partner/activiteiten/<int:pk>/aanwezigheid/",
        portal_activiteiten.activiteit_aanwezigheid,
        name="portal_activiteit_aanwezigheid",
    ),
    path("partner/reeksen/<int:pk>/", portal_reeksen.reeks_detail, name="portal_reeks_detail"),
    path("partner/reeksen/<int:pk>/inschrijvingen.csv", portal_reeksen.reeks_csv, name="portal_reeks_csv"),
    path(
        "partner/reeksen/<int:pk>/annuleren/", portal_reeksen.reeks_annuleren, name="portal_reeks_annuleren"
    ),
    path("partner/locaties/", portal.locatie_list, name="portal_locatie_list"),
    path("partner/locaties/nieuw/", portal.locatie_form, name="portal_locatie_nieuw"),
    path("partner/locaties/<int:pk>/bewerken/", portal.locatie_form, name="portal_locatie_bewerken"),
]
