import uuid

from django.db import migrations

from socialmap.areas import load_areas
from socialmap.taxonomy import TAXONOMY_TERMS

# Stable term ids, so HSDS exports from different installations agree on them.
NAMESPACE = uuid.UUID("5b0f2b4e-1d7c-4c7e-9a53-6a1c6f3f0d11")


def seed(apps, schema_editor):
    TaxonomyTerm = apps.get_model("socialmap", "TaxonomyTerm")
    for taxonomy, terms in TAXONOMY_TERMS.items():
        for order, (code, name) in enumerate(terms):
            TaxonomyTerm.objects.update_or_create(
                taxonomy=taxonomy,
                code=code,
                defaults={"id": uuid.uuid5(NAMESPACE, f"{taxonomy}:{code}"), "name": name, "sort_order": order},
            )
    load_areas(apps.get_model("socialmap", "Area"))


def unseed(apps, schema_editor):
    apps.get_model("socialmap", "TaxonomyTerm").objects.all().delete()
    Area = apps.get_model("socialmap", "Area")
    for kind in ("wijk", "dorp", "gebied", "gemeente"):
        Area.objects.filter(kind=kind).delete()


class Migration(migrations.Migration):
    dependencies = [("socialmap", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
