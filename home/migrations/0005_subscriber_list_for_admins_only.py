"""Least privilege for residents' personal data in the community admin.

Editors send the newsletter (the send screen shows how many subscribers it goes to) but do not need the list
of subscribers' email addresses; moderators approve partners' posts and need neither that list nor the event
registrations. Beheerder keeps the list, and may delete a subscriber on request (AVG). Editors keep the event
registrations: they run the events and move people from the waiting list.
"""

from django.db import migrations

from home import groups as g


def revoke(apps, group_name, codenames):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=group_name).first()
    if group is not None:
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="home", codename__in=codenames))


def least_privilege(apps, schema_editor):
    g.ensure_permissions(apps, ["home"])
    revoke(apps, g.REDACTEUR, ["view_newslettersubscriber"])
    revoke(apps, g.MODERATOR, ["view_newslettersubscriber", "view_eventregistration", "change_eventregistration"])
    g.grant_model_permissions(apps, g.BEHEERDER, "home", {"newslettersubscriber": ["view", "delete"]})


def restore(apps, schema_editor):
    for name in (g.REDACTEUR, g.MODERATOR):
        g.grant_model_permissions(apps, name, "home", {"newslettersubscriber": ["view"]})
    g.grant_model_permissions(apps, g.MODERATOR, "home", {"eventregistration": ["view", "change"]})


class Migration(migrations.Migration):
    dependencies = [("home", "0004_partner_moderation_workflow")]

    operations = [migrations.RunPython(least_privilege, restore)]
