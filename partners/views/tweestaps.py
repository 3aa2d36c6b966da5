"""Setting up two-step verification, one step at a time (see partners.mfa for the rules).

Step 1: prove the mailbox (a code we mail, unless the invitation link already did). Step 2: choose an
app on the phone or a passkey (allauth's pages). Step 3: keep the recovery codes, then onward.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from huisvanhetkind.lib.ratelimit import RateLimit, too_many_requests
from partners import mfa

# Mails are cheap to ask for and costly to receive: a few per account per hour.
CODE_MAILS = RateLimit("tweestaps-mail", "5/h", key=lambda request: str(request.user.pk))


class MailcodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("The code from the e-mail"),
        max_length=20,
        help_text=gettext_lazy("Eight digits. Spaces do not matter."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


@never_cache
@login_required
def tweestaps_instellen(request):
    """The set-up page: what it is, the mailed code, then the choice between an app and a passkey."""
    if mfa.mfa_enrolled(request.user):
        return redirect("mfa_index")
    form = MailcodeForm()
    status = 200
    if request.method == "POST" and "versturen" in request.POST:
        usage = CODE_MAILS.hit(request)
        if usage.limited:
            return too_many_requests(request, usage)
        mfa.mailbox_code_send(request=request)
        messages.success(request, _("We sent you an e-mail with a code."))
        return redirect("tweestaps_instellen")
    if request.method == "POST":
        form = MailcodeForm(request.POST)
        if form.is_valid() and mfa.mailbox_code_verify(request=request, code=form.cleaned_data["code"]):
            return redirect("tweestaps_instellen")
        if form.is_valid():
            form.add_error(
                "code", _("This code is not right, or no longer valid. Check the e-mail, or ask a new code.")
            )
        status = 400
    bewezen = mfa.mailbox_proven(request)
    context = {
        "stap": 2 if bewezen else 1,
        "form": form,
        "code_verstuurd": mfa.mailbox_code_pending(request),
        "passkeys": "webauthn" in _supported_types(),
    }
    return render(request, "partners/tweestaps/instellen.html", context, status=status)


def _supported_types() -> list[str]:
    from allauth.mfa import app_settings

    return app_settings.SUPPORTED_TYPES


@login_required
def tweestaps_klaar(request):
    """The way onward after the recovery codes: one's own start page."""
    from partners.middleware import home_url

    return redirect(home_url(request.user))
