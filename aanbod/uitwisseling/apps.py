from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UitwisselingConfig(AppConfig):
    name = "aanbod.uitwisseling"
    label = "uitwisseling"
    verbose_name = _("Exchange with other systems")
    default_auto_field = "django.db.models.BigAutoField"
