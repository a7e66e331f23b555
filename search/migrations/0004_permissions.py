from django.db import migrations

from home.groups import BEHEERDER, REDACTEUR, ensure_permissions, grant_model_permissions


def grant(apps, schema_editor):
    ensure_permissions(apps, ["search"])
    for group in (REDACTEUR, BEHEERDER):
        grant_model_permissions(apps, group, "search", {"synonym": ["add", "change", "delete", "view"], "searchquery": ["view"]})


class Migration(migrations.Migration):
    dependencies = [("search", "0003_seed_synonyms"), ("home", "0002_user_groups")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
