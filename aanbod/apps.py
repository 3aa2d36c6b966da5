from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AanbodConfig(AppConfig):
    name = "aanbod"
    verbose_name = _("Aanbod and activities")

    def ready(self):
        # The wegwijzer's data version (migration 0008) is kept per process for a moment; this process's
        # own writes must forget it at once, on every connection it opens from now on.
        from huisvanhetkind.lib.pagecache import watch_writes

        watch_writes()
