"""Sign-up and reader settings forms."""
from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.models import User


class SignUpForm(UserCreationForm):
    email = forms.EmailField(required=False, help_text="Optional; needed to reset a forgotten password and for digests "
                             "(we mail a link to confirm it).")

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")


def zone_choices() -> list[tuple[str, str]]:
    """Every IANA zone the system knows, after the site's own default."""
    import zoneinfo

    from django.conf import settings

    return [("", f"The site's time ({settings.TIME_ZONE})")] + [(z, z.replace("_", " ")) for z in sorted(zoneinfo.available_timezones())]
