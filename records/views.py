"""The records desk's pages: a call's printable record, as a page that prints cleanly and as a PDF.

The center's own staff may print (the same people who may add a supplement: records clerks,
supervisors, dispatchers); each print is an audit entry."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from cad import roles
from cad.admin import timestamp
from calls.models import Call
from calls.selectors import calls_visible_to
from records.inquiries.models import MissingPerson
from records.pdf import call_record_pdf
from records.services import call_record_print


def _call_to_print(request: HttpRequest, pk: int) -> Call:
    if not roles.is_center_staff(request.user) or roles.scoped_agency(request.user) is not None:
        raise PermissionDenied("A call's record is printed by the center's staff.")
    return get_object_or_404(calls_visible_to(request.user), pk=pk)


@login_required
def call_record_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The call's record as a page to print: the browser's print leaves out the buttons."""
    record = call_record_print(call=_call_to_print(request, pk), by=request.user, format="html")
    return render(
        request,
        "records/call_record.html",
        {
            "record": record,
            "printed_by": request.user.get_username(),
            "printed_at": timestamp(timezone.now()),
            "pdf_url": reverse("records:call-record-pdf", args=[pk]),
            "call_url": reverse("admin:calls_call_change", args=[pk]) if request.user.is_staff else "",
        },
    )


@login_required
def call_record_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    record = call_record_print(call=_call_to_print(request, pk), by=request.user, format="pdf")
    body = call_record_pdf(
        record, printed_by=request.user.get_username(), printed_at=timestamp(timezone.now())
    )
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="call-{record.number}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


PHOTO_CONTENT_TYPES = {"jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png", "gif": "image/gif",
                       "webp": "image/webp"}


@login_required
def missing_person_photo(request: HttpRequest, name: str) -> FileResponse:
    """A missing person's photo, to the center's own staff and field officers (the inquiry hits show
    it); no agency's program, nobody signed out. Only a photo some record holds is served."""
    user = request.user
    if not (roles.is_center_staff(user) or roles.is_officer(user)) or roles.scoped_agency(user) is not None:
        raise PermissionDenied("A missing person's photo is for the center's staff and field officers.")
    person = MissingPerson.objects.filter(photo=name).first()
    kind = PHOTO_CONTENT_TYPES.get(name.rsplit(".", 1)[-1].lower())
    if person is None or kind is None or not person.photo.storage.exists(name):
        raise Http404("No such photo.")
    response = FileResponse(person.photo.open("rb"), content_type=kind)
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "private, max-age=300"
    response["X-Content-Type-Options"] = "nosniff"
    return response
