"""The organization's skill list: the spellings people are offered when they type
skills on their profile. People may still enter skills that are not listed; the
list only suggests, and gives a listed skill one spelling across the organization."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Organization
from mentoring.models import Participant, Skill
from mentoring.profiles import normalize_tags, skill_slug
from turazo.core.errors import ValidationFailed
from turazo.core.models import save_existing

NAME_MAX = 60
SKILL_GONE = gettext_lazy("This skill was deleted meanwhile; reload the skill list.")


def skill_map(*, organization: Organization) -> dict[str, str]:
    """{slug: name} of the organization's skills, for ``normalize_tags``."""
    return dict(Skill.objects.for_organization(organization).values_list("slug", "name"))


def _clean_name(name: str) -> tuple[str, str]:
    cleaned = " ".join((name or "").split())
    if not cleaned:
        raise ValidationFailed(_("Give the skill a name."), fields={"name": [_("Enter a skill name.")]})
    if len(cleaned) > NAME_MAX:
        raise ValidationFailed(
            _("The skill name is too long."),
            fields={
                "name": [
                    _("Keep the skill name to %(max)s characters (it has %(count)s).")
                    % {"max": NAME_MAX, "count": len(cleaned)}
                ]
            },
        )
    return cleaned, skill_slug(cleaned)


def _duplicate(existing: Skill) -> ValidationFailed:
    return ValidationFailed(
        _("“%(skill)s” is already in the skill list.") % {"skill": existing.name},
        fields={
            "name": [
                _("“%(skill)s” is already in the list (skills match regardless of case and spacing).")
                % {"skill": existing.name}
            ]
        },
        code="duplicate",
    )


def skill_create(*, organization: Organization, name: str) -> Skill:
    name, slug = _clean_name(name)
    existing = Skill.objects.for_organization(organization).filter(slug=slug).first()
    if existing is not None:
        raise _duplicate(existing)
    try:
        with transaction.atomic():
            return Skill.objects.create(organization=organization, name=name, slug=slug)
    except IntegrityError:  # a concurrent request added the same skill first
        raise _duplicate(Skill.objects.for_organization(organization).get(slug=slug))


@transaction.atomic
def skill_rename(*, skill: Skill, name: str) -> Skill:
    """Rename a skill; profiles that carry the old spelling take the new one, so a
    typo fixed in the list is fixed everywhere."""
    name, slug = _clean_name(name)
    clash = Skill.objects.filter(organization_id=skill.organization_id, slug=slug)
    existing = clash.exclude(pk=skill.pk).first()
    if existing is not None:
        raise _duplicate(existing)
    old_slug = skill.slug
    skill.name, skill.slug = name, slug
    try:
        with transaction.atomic():
            save_existing(skill, update_fields=["name", "slug", "updated_at"], gone=SKILL_GONE)
    except IntegrityError:
        raise _duplicate(clash.exclude(pk=skill.pk).get())
    _respell_profiles(organization_id=skill.organization_id, old_slug=old_slug, name=name)
    return skill


def _respell_profiles(*, organization_id: int, old_slug: str, name: str) -> None:
    changed = []
    participants = Participant.objects.filter(organization_id=organization_id).only(
        "pk", "skills_wanted", "skills_offered"
    )
    for participant in participants.iterator(chunk_size=2000):
        dirty = False
        for field in ("skills_wanted", "skills_offered"):
            tags = getattr(participant, field) or []
            if any(skill_slug(t) == old_slug for t in tags):
                respelled = [name if skill_slug(t) == old_slug else t for t in tags]
                setattr(participant, field, normalize_tags(respelled))
                dirty = True
        if dirty:
            changed.append(participant)
    Participant.objects.bulk_update(changed, ["skills_wanted", "skills_offered"], batch_size=500)


def skill_delete(*, skill: Skill) -> None:
    """Remove a skill from the suggestions. Profiles keep the tags people entered."""
    skill.delete()
