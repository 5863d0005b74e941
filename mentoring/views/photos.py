"""Avatar photos: a person uploads or removes their own; people who can see them get it served.

The photo lives in the database (``accounts.Photo``): there is no media server to hand it
to, so this view serves it, after the same check the pages make about who sees whom."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts import services
from accounts.models import Photo
from accounts.photos import PHOTO_CONTENT_TYPE
from mentoring import selectors
from turazo.core.errors import DomainError
from turazo.core.tenancy import tenant_exempt, tenant_view

# Private: only this browser may keep it (never a shared proxy). A day is safe because a new
# photo has a new URL (``?v=`` changes); after that the browser asks again with its ETag.
CACHE_CONTROL = "private, max-age=86400"


def _back(request: HttpRequest) -> HttpResponse:
    """Back to the page the form was on (a profile or the preferences), never off-site."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    return redirect("preferences")


@require_POST
@login_required
@tenant_exempt("changes the signed-in person's own photo; no organization data")
def photo_upload(request: HttpRequest) -> HttpResponse:
    upload = request.FILES.get("photo")
    if upload is None:
        messages.error(request, _("Choose a photo to upload first."))
        return _back(request)
    try:
        services.user_photo_set(user=request.user, upload=upload)
    except DomainError as e:
        messages.error(request, _("Your photo is not changed. %(reason)s") % {"reason": e.message})
        return _back(request)
    messages.success(request, _("Your photo is saved. People in your programs see it next to your name."))
    return _back(request)


@require_POST
@login_required
@tenant_exempt("changes the signed-in person's own photo; no organization data")
def photo_remove(request: HttpRequest) -> HttpResponse:
    services.user_photo_remove(user=request.user)
    messages.success(request, _("Your photo is removed. Your initials show instead."))
    return _back(request)


@require_GET
@tenant_view(allow_no_organization=True)
def person_photo(request: HttpRequest, user_id: int) -> HttpResponse:
    """The photo of account ``user_id``, to whoever may see that person; 404 to everyone else
    and when there is no photo (outsiders never learn whether someone has one)."""
    if not selectors.photo_visible(viewer=request.user, membership=request.membership, user_id=user_id):
        raise Http404("No such photo.")
    photo = Photo.objects.filter(user_id=user_id).select_related("user").only("image", "user__photo_version").first()
    if photo is None or not photo.user.photo_version:
        raise Http404("No such photo.")
    etag = f'"{photo.user.photo_version}"'
    if etag in [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]:
        response: HttpResponse = HttpResponseNotModified()
    else:
        response = HttpResponse(bytes(photo.image), content_type=PHOTO_CONTENT_TYPE)
    response["ETag"] = etag
    response["Cache-Control"] = CACHE_CONTROL
    response["X-Content-Type-Options"] = "nosniff"
    return response
