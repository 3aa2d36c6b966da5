from . import inschrijving, portal, wegwijzer

urlpatterns = wegwijzer.urlpatterns + inschrijving.urlpatterns + portal.urlpatterns
