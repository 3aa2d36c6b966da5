from django.urls import path

from ..views import portal

urlpatterns = [
    path("partner/vragen/", portal.registraties, name="portal_vragen"),
    path("partner/vragen/nieuw/", portal.registreren, name="portal_vraag_registreren"),
    path("partner/vragen/<int:pk>/", portal.corrigeren, name="portal_vraag_corrigeren"),
    path("partner/vragen/<int:pk>/verwijderen/", portal.verwijderen, name="portal_vraag_verwijderen"),
    path("partner/vragen/gesprekken/", portal.gesprekken, name="portal_gesprekken"),
    path("partner/vragen/gesprekken/<int:pk>/", portal.gesprek, name="portal_gesprek"),
    path("partner/signalen/", portal.signalen, name="portal_signalen"),
    path("partner/signalen/nieuw/", portal.signaal_nieuw, name="portal_signaal_nieuw"),
    path("partner/signalen/<int:pk>/", portal.signaal, name="portal_signaal"),
]
