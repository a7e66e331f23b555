from django.db import migrations

from search.synonyms_seed import SYNONYMS


def seed(apps, schema_editor):
    Synonym = apps.get_model("search", "Synonym")
    for term, equivalents in SYNONYMS:
        Synonym.objects.get_or_create(term=term, defaults={"equivalents": "\n".join(equivalents)})


def unseed(apps, schema_editor):
    apps.get_model("search", "Synonym").objects.filter(term__in=[t for t, _ in SYNONYMS]).delete()


class Migration(migrations.Migration):
    dependencies = [("search", "0002_fulltext_index")]
    operations = [migrations.RunPython(seed, unseed)]
