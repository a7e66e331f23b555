"""The user groups Dichtbij works with, and helpers for data migrations that give them permissions.

Each app adds the permissions for its own models in its own data migration, through grant_model_permissions.
"""

REDACTEUR = "Redacteur"
MODERATOR = "Moderator"
BEOORDELAAR = "Beoordelaar"
BUDGETHOUDER = "Budgethouder"
PARTNER = "Partner"
BEHEERDER = "Beheerder"
ALL_GROUPS = [REDACTEUR, MODERATOR, BEOORDELAAR, BUDGETHOUDER, PARTNER, BEHEERDER]


def ensure_permissions(apps, app_labels):
    """Permissions are created after migrate; a data migration that needs them creates them itself."""
    from django.contrib.auth.management import create_permissions

    for label in app_labels:
        try:
            app_config = apps.get_app_config(label)
        except LookupError:  # apps without models in the migration state (wagtailadmin makes its own)
            continue
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def grant_model_permissions(apps, group_name, app_label, model_actions):
    """model_actions: {"facility": ["add", "change", "view"], ...}."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=group_name)
    for model, actions in model_actions.items():
        for action in actions:
            perm = Permission.objects.filter(content_type__app_label=app_label, codename=f"{action}_{model}").first()
            if perm is not None:
                group.permissions.add(perm)


def grant_codenames(apps, group_name, app_label, codenames):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=group_name)
    for codename in codenames:
        perm = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
        if perm is not None:
            group.permissions.add(perm)
