from . import portal, public, rapporten

urlpatterns = public.urlpatterns + portal.urlpatterns + rapporten.urlpatterns
