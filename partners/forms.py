"""Forms of the partners' portal: the partner's profile, inviting a colleague, accepting an invitation."""

from django import forms
from django.contrib.auth.password_validation import password_validators_help_text_html, validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from huisvanhetkind.lib.images import clean_image

from .models import Gemeente, Partner, User

IMAGE_ACCEPT = "image/jpeg,image/png,image/webp"


class ImageUploadField(forms.FileField):
    """A picture upload checked by huisvanhetkind.lib.images.clean_image (size, kind, pixels), EXIF removed.

    A plain FileField underneath so our checks (and messages) come first, not Django's generic one.
    """

    widget = forms.ClearableFileInput(attrs={"accept": IMAGE_ACCEPT})

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "help_text",
            _("A JPEG, PNG or WebP picture of at most 5 MB. We remove location data from photos."),
        )
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        value = super().clean(data, initial)
        if value and value is not initial and hasattr(value, "read"):
            return clean_image(value)
        return value


class PartnerProfielForm(forms.ModelForm):
    logo = ImageUploadField(label=_("Logo"), required=False)

    class Meta:
        model = Partner
        fields = [
            "korte_beschrijving",
            "beschrijving",
            "email",
            "telefoon",
            "website",
            "adres",
            "werkgebied",
            "logo",
        ]
        widgets = {
            "beschrijving": forms.Textarea(attrs={"rows": 6}),
            "werkgebied": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "korte_beschrijving": _("One sentence that parents see in the list of partners."),
            "werkgebied": _("The gemeenten where you work."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["werkgebied"].queryset = Gemeente.objects.werkgebied()
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["telefoon"].widget.attrs.update({"autocomplete": "tel", "type": "tel"})
        self.fields["website"].widget.attrs["autocomplete"] = "url"
        self.fields["adres"].widget.attrs["autocomplete"] = "street-address"


class UitnodigingForm(forms.Form):
    """A beheerder invites a colleague as medewerker of their partner."""

    email = forms.EmailField(
        label=_("E-mail address of your colleague"),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )


class UitnodigingAcceptForm(forms.Form):
    """Someone without an account sets their name and password to accept an invitation."""

    naam = forms.CharField(
        label=_("Your name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    password1 = forms.CharField(
        label=_("Choose a password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Type the password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email: str, **kwargs):
        self.email = email
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords are not the same."))
        elif p1:
            try:
                validate_password(p1, User(email=self.email, naam=data.get("naam", "")))
            except ValidationError as exc:
                self.add_error("password1", exc)
        return data


# --- two-step verification: allauth's forms in plain words (settings.MFA_FORMS) ---------------------------


def _activate_totp_form():
    from allauth.mfa.totp.forms import ActivateTOTPForm

    class TweestapsAppForm(ActivateTOTPForm):
        """The code from the phone, asked in plain words."""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.fields["code"].label = _("The 6 digits from the app")
            self.fields["code"].widget.attrs.update({"inputmode": "numeric", "placeholder": "123456"})

    return TweestapsAppForm


def _add_webauthn_form():
    from allauth.mfa.webauthn.forms import AddWebAuthnForm

    class TweestapsSleutelForm(AddWebAuthnForm):
        """A passkey's name and whether it may log in alone, in plain words."""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.fields["name"].label = _("Name of the passkey")
            if "passwordless" in self.fields:
                self.fields["passwordless"].label = _(
                    "Also log in with this passkey alone, without a password"
                )
                self.fields["passwordless"].help_text = _(
                    "Only for a passkey that asks your fingerprint, face or PIN."
                )

    return TweestapsSleutelForm


TweestapsAppForm = _activate_totp_form()
TweestapsSleutelForm = _add_webauthn_form()
