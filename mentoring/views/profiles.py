"""Pages where mentees and mentors fill in their profile, and list their programs."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from mentoring.models import Participant
from mentoring.profile_forms import ProfileForm
from mentoring.profiles import timezone_names
from mentoring.services import profiles as services
from mentoring.services.skills import skill_map
from turazo.core.errors import NotFound, PermissionDenied, ValidationFailed
from turazo.core.forms import apply_service_errors
from turazo.core.tenancy import tenant_view


@tenant_view()
def profile_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The participant edits their own profile; HR admins may edit anyone's in their
    organization. Everyone else gets 404. Saving shows a flash and stays here."""
    try:
        participant = services.get_participant_for_profile(membership=request.membership, pk=pk)
    except NotFound as e:
        raise Http404(e.message)
    questions = list(participant.program.questions.all())
    form = ProfileForm(
        request.POST or None, participant=participant, questions=questions, default_timezone=request.timezone_name
    )
    status = 200
    if request.method == "POST":
        valid = form.is_valid()
        try:
            if valid:
                services.participant_update_profile(
                    participant=participant, actor=request.user, data=form.profile_data()
                )
            else:
                # Check what did parse too, so every problem shows at once.
                services.profile_validate(participant=participant, data=form.profile_data())
        except ValidationFailed as e:
            apply_service_errors(form, e, field_for=form.service_field)
        except PermissionDenied as e:  # only reachable if access changed mid-request
            messages.error(request, e.message)
            return redirect("dashboard")
        if not form.errors:
            if participant.user_id == request.user.pk:
                saved = _("Your profile is saved. It is %(percent)s%% complete.")
            else:
                saved = _("%(name)s's profile is saved. It is %(percent)s%% complete.")
            messages.success(request, saved % {"name": participant.display_name, "percent": participant.completeness})
            return redirect("profile-edit", pk=participant.pk)
        status = 400
    return render(
        request,
        "mentoring/profiles/edit.html",
        {
            "participant": participant,
            "form": form,
            "is_self": participant.user_id == request.user.pk,
            "timezones": timezone_names(),
            "skills": sorted(skill_map(organization=request.organization).values(), key=str.casefold),
        },
        status=status,
    )


@tenant_view()
def my_participations(request: HttpRequest) -> HttpResponse:
    participations = (
        Participant.objects.for_organization(request.organization)
        .filter(user=request.user, status__in=[Participant.Status.INVITED, Participant.Status.ACTIVE])
        .select_related("program")
        .order_by("-program__start_date", "program__name", "role")
    )
    return render(request, "mentoring/profiles/my_participations.html", {"participations": participations})
