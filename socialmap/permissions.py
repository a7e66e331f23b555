"""Who may see and change which facility.

Staff (Redacteur, Beheerder: anyone who may add facilities) work on every facility. A partner (group
Partner, with only change/view on facilities) works on the facilities of the organisations they are a
member of (OrganisationMembership), and nothing else. Wagtail checks model permissions in its views;
the object-level part lives in FacilityPermissionPolicy and is enforced by the snippet viewset
(listing queryset and every view that loads one facility).
"""

from wagtail.permission_policies.base import ModelPermissionPolicy


def is_restricted(user):
    """True for users who only work on their own organisations' facilities."""
    if not user.is_authenticated or not user.is_active:
        return True
    return not (user.is_superuser or user.has_perm("socialmap.add_facility"))


def member_organisation_ids(user):
    from .models import OrganisationMembership

    if not user.is_authenticated:
        return set()
    return set(OrganisationMembership.objects.filter(user=user).values_list("organisation_id", flat=True))


def facilities_for_user(user, queryset=None):
    from .models import Facility

    queryset = Facility.objects.all() if queryset is None else queryset
    if not is_restricted(user):
        return queryset
    return queryset.filter(organisation_id__in=member_organisation_ids(user))


def user_may_access_facility(user, facility):
    if not is_restricted(user):
        return True
    return facility.organisation_id in member_organisation_ids(user)


class FacilityPermissionPolicy(ModelPermissionPolicy):
    """Model permissions as usual, narrowed to the partner's own organisations for instances."""

    def user_has_permission_for_instance(self, user, action, instance):
        return super().user_has_permission_for_instance(user, action, instance) and user_may_access_facility(user, instance)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return super().user_has_any_permission_for_instance(user, actions, instance) and user_may_access_facility(
            user, instance
        )

    def instances_user_has_permission_for(self, user, action):
        return facilities_for_user(user, super().instances_user_has_permission_for(user, action))

    def instances_user_has_any_permission_for(self, user, actions):
        return facilities_for_user(user, super().instances_user_has_any_permission_for(user, actions))
