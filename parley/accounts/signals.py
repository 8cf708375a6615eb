"""Every user gets a profile when created, however created (sign-up, admin, createsuperuser), whose
name keys follow the username; a new password, however set (the change page, a reset link, the
admin), revokes the API tokens."""
from django.conf import settings
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from parley.accounts.models import ApiToken, Profile


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def create_profile(sender, instance, created, update_fields=None, **kwargs):
    if created:
        Profile.objects.get_or_create(user=instance, defaults=Profile.keys_for(instance.username))
    elif update_fields is None or "username" in update_fields:  # a rename (the admin) moves the keys
        Profile.objects.filter(user=instance).update(**Profile.keys_for(instance.username))


@receiver(pre_save, sender=settings.AUTH_USER_MODEL)
def note_password_change(sender, instance, **kwargs):
    """Remember whether this save sets a new password (compared with the stored hash)."""
    if instance.pk:
        stored = sender.objects.filter(pk=instance.pk).values_list("password", flat=True).first()
        instance._password_changed = stored is not None and stored != instance.password


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def revoke_tokens_on_new_password(sender, instance, created, **kwargs):
    """A password change answers a stolen session or key: every API token stops working too (other
    sessions already end, Django's session hash being made from the password)."""
    if not created and getattr(instance, "_password_changed", False):
        ApiToken.objects.filter(user=instance).delete()
        instance._password_changed = False
