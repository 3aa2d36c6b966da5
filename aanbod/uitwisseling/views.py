"""The partner ticks "also in UiTdatabank" on their aanbod page (POST only; the state is shown by the
`uitdatabank_status` template tag)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aanbod.models import Aanbod
from partners.views.access import partner_required

from . import mapping, services


@partner_required
@require_POST
def uitpublicatie_zetten(request, pk: int):
    aanbod = get_object_or_404(Aanbod.objects, pk=pk)
    actief = request.POST.get("actief") == "1"
    reden = mapping.niet_verzendbaar(aanbod)
    if actief and reden:
        messages.error(request, reden)
    else:
        services.uitpublicatie_set(aanbod=aanbod, actief=actief, user=request.user)
        if actief:
            messages.success(request, _("This aanbod will also be published in UiTdatabank."))
        else:
            messages.success(request, _("This aanbod is no longer published in UiTdatabank."))
    return redirect("portal_aanbod_detail", pk=aanbod.pk)
