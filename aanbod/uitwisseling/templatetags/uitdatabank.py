from django import template

from aanbod.uitwisseling.services import uit_overzicht

register = template.Library()


@register.inclusion_tag("uitwisseling/includes/uitdatabank.html", takes_context=True)
def uitdatabank_status(context, aanbod):
    """The UiTdatabank box on a partner's aanbod page: the tick, why it is never sent, state per event."""
    return {"aanbod": aanbod, "csrf_token": context.get("csrf_token"), **uit_overzicht(aanbod)}
