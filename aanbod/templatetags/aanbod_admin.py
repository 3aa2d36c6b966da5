"""What the admin's front page shows a coordinator first: the work waiting for them."""

from django import template

from aanbod.models import Aanbod
from aanbod.services.nagekeken import aanbod_lang_niet_nagekeken

register = template.Library()


@register.simple_tag
def aanbod_werk() -> dict:
    """Counts for the admin index: aanbod to moderate, published aanbod not confirmed for a year."""
    return {
        "te_modereren": Aanbod.objects.te_modereren().count(),
        "niet_nagekeken": aanbod_lang_niet_nagekeken().count(),
    }
