"""Sign-up, password change and reset, and reader settings forms."""
import unicodedata

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.models import User
from django.db.models import Q

from parley.accounts.confusables import name_skeletons
from parley.accounts.models import Profile
from parley.accounts.ratelimit import Limit, RateLimited, account_key, check_all, hit, refund

# Per address mailed: past it the page answers as always, but no more mail goes to that inbox.
RESETS_PER_EMAIL = Limit(3, 3600, "3 password reset mails an hour to one address")
EMAIL_MAX = User._meta.get_field("email").max_length  # 254: longer gave PostgreSQL's DataError, a 500


class SignUpForm(auth_forms.UserCreationForm):
    email = forms.EmailField(required=False, max_length=EMAIL_MAX, help_text="Optional; needed to reset a forgotten password and for digests "
                             "(we mail a link to confirm it).")

    class Meta(auth_forms.UserCreationForm.Meta):
        model = User
        fields = ("username", "email")

    def clean_username(self):
        """Refuse, besides a name taken in any case (Django), a name of combining marks alone (it shows
        nothing) and one that looks like a reader's name (same TR39 skeleton): "аlice" beside "alice"."""
        name = super().clean_username()
        if not name:
            return name
        if all(unicodedata.category(ch).startswith("M") for ch in name):
            raise forms.ValidationError("A username needs a letter or digit: combining marks alone show nothing.")
        folded, shown = name_skeletons(name)
        twin = (Profile.objects.filter(Q(username_skeleton=folded) | Q(username_shown_skeleton=shown))
                .values_list("user__username", flat=True).first())
        if twin:
            raise forms.ValidationError(f"This name looks too much like the reader “{twin}”; choose another.")
        return name


def check_current_password(user, password: str) -> bool:
    """Tell whether this is the signed-in reader's password. A wrong one is a sign-in guess at the
    account (the same budget), so a stolen session cannot find the password by trying; a right one
    gives its slot back."""
    from parley.accounts.views import LOGIN_PER_ACCOUNT

    taken = check_all([("login-user", account_key(user.get_username()), LOGIN_PER_ACCOUNT)])
    if user.check_password(password):
        refund(taken)
        return True
    return False


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    """Django's, with wrong current passwords counted as sign-in guesses."""

    def clean_old_password(self):
        old_password = self.cleaned_data["old_password"]
        if not check_current_password(self.user, old_password):
            raise forms.ValidationError(self.error_messages["password_incorrect"], code="password_incorrect")
        return old_password


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's, mailing only an address its account confirmed: a thief who moved an account to their
    own address (unconfirmed) gets no reset there. Asked for either an account's current address or
    its confirmed one, the link goes to the confirmed one; an account with none gets no mail. At most
    RESETS_PER_EMAIL mails an hour reach one address, silently."""

    def get_users(self, email):
        users = User.objects.select_related("profile").filter(
            Q(email__iexact=email) | Q(profile__verified_email__iexact=email), is_active=True,
            profile__verified_email__gt="")
        key = account_key(email)
        return (user for user in users if user.has_usable_password()
                and key in (account_key(user.email), account_key(user.profile.verified_email)))

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email,
                  html_email_template_name=None):
        to_email = context["user"].profile.verified_email
        try:
            hit("reset-email", account_key(to_email), RESETS_PER_EMAIL)
        except RateLimited:
            return
        super().send_mail(subject_template_name, email_template_name, {**context, "email": to_email}, from_email,
                          to_email, html_email_template_name)
