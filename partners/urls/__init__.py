from . import accounts, portal, public

urlpatterns = public.urlpatterns + portal.urlpatterns + accounts.urlpatterns
