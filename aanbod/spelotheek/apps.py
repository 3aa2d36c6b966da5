from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SpelotheekConfig(AppConfig):
    name = "aanbod.spelotheek"
    label = "spelotheek"
    verbose_name = _("Toy library")
