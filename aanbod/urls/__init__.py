from aanbod.spelotheek import urls as spelotheek

from . import inschrijving, portal, wegwijzer

urlpatterns = wegwijzer.urlpatterns + inschrijving.urlpatterns + portal.urlpatterns + spelotheek.urlpatterns
