from . import portal, public

urlpatterns = public.urlpatterns + portal.urlpatterns
