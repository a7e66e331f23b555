"""Partners' posts are moderated: a Wagtail workflow 'Moderatie partnerbijdragen' with one group-approval
task for the Moderator group. Partners get 'add' permission on their area's news and event sections only
(add lets them create pages and edit the pages they own; without 'publish' they can only submit)."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import GroupApprovalTask, GroupPagePermission, Workflow, WorkflowPage, WorkflowTask

from . import groups as g

WORKFLOW_NAME = "Moderatie partnerbijdragen"
TASK_NAME = "Beoordeling door moderator"


@transaction.atomic
def partner_workflow():
    """The moderation workflow (made by migration home 0004; recreated here if someone deleted it)."""
    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW_NAME, defaults={"active": True})
    if not workflow.workflow_tasks.exists():
        task = GroupApprovalTask.objects.filter(name=TASK_NAME).first()
        if task is None:
            task = GroupApprovalTask.objects.create(name=TASK_NAME)
        task.groups.add(Group.objects.get_or_create(name=g.MODERATOR)[0])
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    return workflow


def assign_partner_workflow(page):
    """Submissions for this page and everything below it go through the moderation workflow."""
    workflow = partner_workflow()
    WorkflowPage.objects.update_or_create(page=page, defaults={"workflow": workflow})
    return workflow


def partner_area_group(area):
    """A group per area ('Partner De Velden'): partners in it may post in that area's sections."""
    group, _ = Group.objects.get_or_create(name=f"{g.PARTNER} {area.name}")
    access = Permission.objects.filter(content_type__app_label="wagtailadmin", codename="access_admin").first()
    if access:
        group.permissions.add(access)
    return group


def grant_partner_section(group, page):
    """Let a partner group create pages (news, events) below `page`, never publish them."""
    permission = Permission.objects.get(content_type__app_label="wagtailcore", codename="add_page")
    GroupPagePermission.objects.get_or_create(group=group, page=page, permission=permission)
    assign_partner_workflow(page)
