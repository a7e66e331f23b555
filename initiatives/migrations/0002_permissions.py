"""Give the Dichtbij groups their permissions on applications: reviewers assess, budget holders decide and pay."""

from django.db import migrations

from home import groups as g

SCHEME_PAGES = ["schemeindexpage", "budgetschemepage"]


def grant(apps, schema_editor):
    g.ensure_permissions(apps, ["initiatives"])
    g.grant_model_permissions(apps, g.BEOORDELAAR, "initiatives", {"application": ["view"]})
    g.grant_codenames(apps, g.BEOORDELAAR, "initiatives", ["review_application"])
    g.grant_model_permissions(apps, g.BUDGETHOUDER, "initiatives", {"application": ["view"]})
    g.grant_codenames(
        apps, g.BUDGETHOUDER, "initiatives",
        ["review_application", "decide_application", "pay_application", "view_iban", "export_application"],
    )
    g.grant_model_permissions(apps, g.BEHEERDER, "initiatives", {"application": ["view"]})
    g.grant_codenames(apps, g.BEHEERDER, "initiatives", ["export_application"])


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    perms = Permission.objects.filter(content_type__app_label="initiatives")
    for group in Group.objects.filter(name__in=g.ALL_GROUPS):
        group.permissions.remove(*perms)


class Migration(migrations.Migration):
    dependencies = [
        ("initiatives", "0001_initial"),
        ("home", "0002_user_groups"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
