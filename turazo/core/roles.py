"""Which roles a person plays in their current organization; drives navigation and dashboards."""

from __future__ import annotations


def roles_for(membership) -> frozenset[str]:
    if membership is None:
        return frozenset()
    from mentoring.models import Participant

    roles: set[str] = {"admin"} if membership.is_admin else set()
    roles.update(
        Participant.objects.filter(
            organization_id=membership.organization_id,
            user_id=membership.user_id,
            status__in=[Participant.Status.INVITED, Participant.Status.ACTIVE],
        )
        .values_list("role", flat=True)
        .distinct()
    )
    return frozenset(roles)
