"""The reader's settings: time zone, e-mail address, digest and notifications per kind."""
from django import forms

from parley.accounts.forms import zone_choices
from parley.following.models import Notification, Preferences


class SettingsForm(forms.Form):
    time_zone = forms.ChoiceField(choices=zone_choices, required=False, label="Time zone",
                                  help_text="Dates and times on every page are shown in this zone.")
    email = forms.EmailField(required=False, label="E-mail address",
                             help_text="Digests go only to an address you have confirmed; a new address is confirmed again.")
    # Left out of a form (a script, an older page), a choice keeps its current value.
    digest = forms.ChoiceField(choices=Preferences.DIGESTS, label="E-mail digest", required=False,
                               help_text="What you follow and the notifications you chose to get by mail.")
    reply = forms.ChoiceField(choices=Preferences.DELIVERY, required=False, label="Replies to your comments")
    mention = forms.ChoiceField(choices=Preferences.DELIVERY, required=False, label="Mentions of you (@name)")
    discussion = forms.ChoiceField(choices=Preferences.DELIVERY, required=False, label="New comments in discussions you follow")
    articles = forms.ChoiceField(choices=Preferences.DELIVERY, required=False, label="New articles about tickers and people you follow")

    KINDS = [kind for kind, _ in Notification.KINDS]


class ImportForm(forms.Form):
    file = forms.FileField(label="A CSV of tickers",
                           help_text="One ticker per row ($BA, BA or a company's name), or a column named ticker or symbol.")
