"""The moderation workflow for partners' posts: 'Moderatie partnerbijdragen' with one task for the Moderator
group, on the root page, so every submission reaches a moderator. It replaces Wagtail's starter workflow,
whose 'Moderators' group the foundation removed (issue 6). Grants staff the newsletter and registration permissions."""

from django.db import migrations

from home import groups as g

WORKFLOW_NAME = "Moderatie partnerbijdragen"
TASK_NAME = "Beoordeling door moderator"


def create_workflow(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Group = apps.get_model("auth", "Group")
    Page = apps.get_model("wagtailcore", "Page")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")

    content_type, _ = ContentType.objects.get_or_create(app_label="wagtailcore", model="groupapprovaltask")
    moderator, _ = Group.objects.get_or_create(name=g.MODERATOR)
    task = GroupApprovalTask.objects.filter(name=TASK_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=TASK_NAME, content_type=content_type, active=True)
    task.groups.add(moderator)
    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW_NAME, defaults={"active": True})
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    root = Page.objects.filter(depth=1).first()
    if root:
        WorkflowPage.objects.update_or_create(page=root, defaults={"workflow": workflow})

    g.ensure_permissions(apps, ["home"])
    for name in (g.REDACTEUR, g.MODERATOR, g.BEHEERDER):
        g.grant_model_permissions(
            apps,
            name,
            "home",
            {"newsletterissue": ["add", "change", "view", "delete"], "newslettersubscriber": ["view"], "eventregistration": ["view", "change"]},
        )
        g.grant_codenames(apps, name, "home", ["send_newsletterissue"])


def remove_workflow(apps, schema_editor):
    apps.get_model("wagtailcore", "Workflow").objects.filter(name=WORKFLOW_NAME).delete()
    apps.get_model("wagtailcore", "GroupApprovalTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0003_community"),
        ("wagtailcore", "0098_apitoken"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(create_workflow, remove_workflow)]
