"""Permissions of the user groups on the social map, and a moderation workflow for its snippets.

Redacteur and Beheerder: everything on every social-map model. Partner: change and view facilities
(restricted to their own organisations by socialmap.permissions), view organisations and locations (to
choose them). Wagtail creates the publish/lock/unlock permissions of snippets after migrating; they are
created here already so the groups can get them.
"""

from django.db import migrations

from home import groups as g

SNIPPETS = ["facility", "organisation", "location"]
OTHERS = ["taxonomyterm", "area", "organisationmembership"]
FULL = ["add", "change", "delete", "view"]
EXTRA = ["publish", "lock", "unlock"]


def grant(apps, schema_editor):
    g.ensure_permissions(apps, ["socialmap"])
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Model = {"facility": "facility", "organisation": "organisation", "location": "location"}
    for model in Model:
        ct, _ = ContentType.objects.get_or_create(app_label="socialmap", model=model)
        for action in EXTRA:
            Permission.objects.get_or_create(
                content_type=ct, codename=f"{action}_{model}", defaults={"name": f"Can {action} {model}"}
            )
    for group in (g.REDACTEUR, g.BEHEERDER):
        g.grant_model_permissions(apps, group, "socialmap", {m: FULL + EXTRA for m in SNIPPETS})
        g.grant_model_permissions(apps, group, "socialmap", {m: FULL for m in OTHERS})
    g.grant_model_permissions(apps, g.PARTNER, "socialmap", {"facility": ["change", "view"], "organisation": ["view"], "location": ["view"]})
    g.grant_model_permissions(apps, g.MODERATOR, "socialmap", {m: ["change", "view", "publish"] for m in SNIPPETS})

    # Moderation: changes submitted by partners go to Redacteur or Moderator for approval.
    Group = apps.get_model("auth", "Group")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    Task = apps.get_model("wagtailcore", "GroupApprovalTask")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowContentType = apps.get_model("wagtailcore", "WorkflowContentType")
    workflow, _ = Workflow.objects.get_or_create(name="Sociale kaart: controle door de redactie")
    if not workflow.workflow_tasks.exists():
        task_ct, _ = ContentType.objects.get_or_create(app_label="wagtailcore", model="groupapprovaltask")
        task = Task.objects.create(name="Controle door de redactie", content_type=task_ct, active=True)
        task.groups.set(Group.objects.filter(name__in=[g.REDACTEUR, g.MODERATOR, g.BEHEERDER]))
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    for model in SNIPPETS:
        ct, _ = ContentType.objects.get_or_create(app_label="socialmap", model=model)
        WorkflowContentType.objects.get_or_create(content_type=ct, defaults={"workflow": workflow})


def revoke(apps, schema_editor):
    Workflow = apps.get_model("wagtailcore", "Workflow")
    Workflow.objects.filter(name="Sociale kaart: controle door de redactie").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("socialmap", "0003_hsds_fields_and_memberships"),
        ("home", "0002_user_groups"),
        ("wagtailcore", "0098_apitoken"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(grant, revoke)]
