"""The partner's profile, members and invitations under /partner/ (see huisvanhetkind.portal_urls)."""

from django.urls import path

from partners.views import portal

urlpatterns = [
    path("partner/organisatie/", portal.organisatie_index, name="portal_organisatie"),
    path("partner/organisatie/<slug:slug>/", portal.partner_profiel, name="portal_partner_profiel"),
    path("partner/organisatie/<slug:slug>/leden/", portal.leden, name="portal_leden"),
    path(
        "partner/organisatie/<slug:slug>/leden/uitnodigen/",
        portal.lid_uitnodigen,
        name="portal_lid_uitnodigen",
    ),
    path(
        "partner/organisatie/<slug:slug>/leden/<int:pk>/verwijderen/",
        portal.lid_verwijderen,
        name="portal_lid_verwijderen",
    ),
    path(
        "partner/organisatie/<slug:slug>/uitnodigingen/<int:pk>/intrekken/",
        portal.uitnodiging_intrekken,
        name="portal_uitnodiging_intrekken",
    ),
    path("partner/uitnodiging/<str:token>/", portal.uitnodiging_accept, name="uitnodiging_accept"),
]
