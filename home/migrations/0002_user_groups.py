"""Create the user groups with their Wagtail permissions (issue: Redacteur, Moderator, Beoordelaar, Budgethouder,
Partner, Beheerder). Apps grant permissions on their own models in their own migrations."""

from django.db import migrations

from home import groups as g

EDIT_PAGES = ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"]


def create_groups(apps, schema_editor):
    g.ensure_permissions(apps, ["auth", "wagtailadmin", "wagtailcore", "wagtailimages", "wagtaildocs", "home"])
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Page = apps.get_model("wagtailcore", "Page")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")

    # Wagtail's English starter groups are replaced by the Dutch groups below.
    Group.objects.filter(name__in=["Editors", "Moderators"]).delete()
    for name in g.ALL_GROUPS:
        Group.objects.get_or_create(name=name)
        # Everybody in a Dichtbij group works in the Wagtail admin.
        g.grant_codenames(apps, name, "wagtailadmin", ["access_admin"])

    root = Page.objects.filter(depth=1).first()
    root_collection = Collection.objects.filter(depth=1).first()

    def page_perms(group_name, codenames):
        group = Group.objects.get(name=group_name)
        for codename in codenames:
            perm = Permission.objects.filter(content_type__app_label="wagtailcore", codename=codename).first()
            if root and perm:
                GroupPagePermission.objects.get_or_create(group=group, page=root, permission=perm)

    def collection_perms(group_name, app_label, codenames):
        group = Group.objects.get(name=group_name)
        for codename in codenames:
            perm = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
            if root_collection and perm:
                GroupCollectionPermission.objects.get_or_create(group=group, collection=root_collection, permission=perm)

    page_perms(g.REDACTEUR, EDIT_PAGES)
    page_perms(g.MODERATOR, EDIT_PAGES)
    page_perms(g.BEHEERDER, EDIT_PAGES + ["bulk_delete_page"])
    for name in (g.REDACTEUR, g.MODERATOR, g.BEHEERDER):
        collection_perms(name, "wagtailimages", ["add_image", "change_image", "choose_image"])
        collection_perms(name, "wagtaildocs", ["add_document", "change_document", "choose_document"])
    collection_perms(g.PARTNER, "wagtailimages", ["add_image", "choose_image"])
    g.grant_model_permissions(apps, g.REDACTEUR, "home", {"themesettings": ["change", "view"]})
    g.grant_model_permissions(apps, g.BEHEERDER, "home", {"themesettings": ["change", "view"]})
    g.grant_model_permissions(apps, g.BEHEERDER, "auth", {"user": ["add", "change", "view", "delete"], "group": ["view"]})


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=g.ALL_GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailimages", "0001_initial"),
        ("wagtaildocs", "0001_initial"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
