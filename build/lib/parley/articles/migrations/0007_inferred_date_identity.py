"""Articles with an inferred date get the identity that leaves the date out (services.identity_of),
so importing the same page again with another reference date finds them instead of adding a twin."""
from django.db import IntegrityError, migrations, transaction


def rekey(apps, schema_editor):
    from parley.articles.cleaning import fold_title, sha256

    Article = apps.get_model("articles", "Article")
    for article in Article.objects.filter(date_inferred=True, url="", outlet__isnull=False).select_related("outlet").iterator():
        key = sha256(f"otc:{fold_title(article.outlet.name)}|{fold_title(article.title)}|{article.content_hash}")
        if key == article.identity_key:
            continue
        try:
            with transaction.atomic():
                Article.objects.filter(pk=article.pk).update(identity_key=key)
        except IntegrityError:
            pass  # an identical twin already holds the key: both stay, as before, for an operator to merge


class Migration(migrations.Migration):

    dependencies = [
        ("articles", "0006_article_lead"),
    ]

    operations = [
        migrations.RunPython(rekey, migrations.RunPython.noop, elidable=True),
    ]
