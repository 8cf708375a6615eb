"""The reader's settings: time zone, e-mail address, digest and notifications per kind."""
from django import forms
from django.conf import settings

from parley.accounts.forms import EMAIL_MAX, check_current_password
from parley.accounts.zones import known, zone_choices
from parley.following.models import Preferences
from parley.following.preferences import KINDS as NOTIFICATION_KINDS


class ZoneField(forms.ChoiceField):
    """A time zone from the grouped list, or any other the system knows: a browser reports some
    older names ("Asia/Calcutta") that the list gives under their newer ones."""

    def validate(self, value):
        if value and not known(value):
            shown = value if len(value) <= 40 else value[:40] + "…"
            raise forms.ValidationError(f"“{shown}” is not a time zone Parley knows: choose one from the list "
                                        "(or your browser's, with the button beside it).", code="invalid_choice")


class SettingsForm(forms.Form):
    # The browser's zone is offered beside the list by parley/static/parley/zone.js.
    time_zone = ZoneField(required=False, label="Time zone", widget=forms.Select(attrs={"data-browser-zone": ""}),
                          help_text="Dates and times on every page are shown in this zone.")
    email = forms.EmailField(required=False, label="E-mail address", max_length=EMAIL_MAX,
                             help_text="Digests go only to an address you have confirmed; a new address is confirmed again.")
    current_password = forms.CharField(
        required=False, strip=False, label="Current password", help_text="Needed to change your e-mail address.",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
    # Left out of a form (a script, an older page), a choice keeps its current value.
    digest = forms.ChoiceField(choices=Preferences.DIGESTS, label="E-mail digest", required=False,
                               help_text="What you follow and the notifications you chose to get by mail.")
    reply = forms.ChoiceField(choices=Preferences.DELIVERY, required=False, label="Replies to your comments")
    mention = forms.ChoiceField(choices=Preferences.DELIVERY, required=False, label="Mentions of you (@name)")
    discussion = forms.ChoiceField(choices=Preferences.DELIVERY, required=False, label="New comments in discussions you follow")
    articles = forms.ChoiceField(choices=Preferences.DELIVERY, required=False, label="New articles about tickers and people you follow")

    KINDS = NOTIFICATION_KINDS

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["time_zone"].choices = zone_choices(settings.TIME_ZONE, self.initial.get("time_zone", ""))
        if not user.email:  # the choices are kept for when an address is added, but say they wait for one
            self.fields["digest"].help_text = ("Sent once you add and confirm an e-mail address above; "
                                               "until then Parley sends you no mail.")

    def changes_email(self) -> bool:
        """Whether the form names another address than the account's (left out, it keeps it)."""
        return ("email" in self.data and "email" in self.cleaned_data
                and self.cleaned_data["email"].lower() != (self.user.email or "").lower())

    def clean(self):
        """A new address needs the current password: with a stolen session alone, moving the account's
        mail (and so its password resets) to a thief's address must not be possible."""
        data = super().clean()
        if self.changes_email():
            if not data.get("current_password"):
                self.add_error("current_password", "Enter your current password to change your e-mail address.")
            elif not check_current_password(self.user, data["current_password"]):
                self.add_error("current_password", "That is not your current password.")
        return data


class ImportForm(forms.Form):
    file = forms.FileField(label="A CSV of tickers",
                           help_text="One ticker per row ($BA, BA or a company's name), or a column named ticker or symbol.")
