"""The roles participants play (mentor, mentee), for ``accounts.roles.roles_for``."""

from __future__ import annotations

from accounts.models import Membership
from mentoring.models import Participant


def participant_roles(membership: Membership) -> set[str]:
    """Roles of the member's invited or active participants in their organization."""
    return set(
        Participant.objects.filter(
            organization_id=membership.organization_id,
            user_id=membership.user_id,
            status__in=[Participant.Status.INVITED, Participant.Status.ACTIVE],
        )
        .values_list("role", flat=True)
        .distinct()
    )
