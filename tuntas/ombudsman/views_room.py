"""The joint case room (/staf/ombudsman/ruang/<number>/) and the liaison's coordination board.

The room is shared by the Ombudsman office holding the case and the reported partner's liaison
(its admin_instansi); to anyone else it is a 404. The board lists the partner's open Ombudsman
cases by age and stage, and lets the liaison push the reported unit.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, Count, F, IntegerField, Value, When
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tuntas.accounts.models import UserKind
from tuntas.complaints.attachments import safe_download_name, storage_dir
from tuntas.ombudsman.forms_room import (
    BOARD_SORTS,
    AgreedActionDoneForm,
    AgreedActionForm,
    BoardSortForm,
    PushForm,
    RoomDocumentForm,
    RoomMessageForm,
)
from tuntas.ombudsman.models import OmbudsmanCase
from tuntas.ombudsman.selectors import (
    can_view_ombudsman_case,
    case_room_get_for_actor,
    liaison_institutions_of,
    partner_open_cases,
)
from tuntas.ombudsman.services_room import (
    agreed_action_add,
    agreed_action_done,
    partner_unit_push,
    room_document_add,
    room_message_post,
)
from tuntas.ombudsman.workflow import OmbudsmanState


def _staff_only(request: HttpRequest) -> None:
    if getattr(request.user, "kind", None) != UserKind.STAFF:
        raise Http404("staff workspace")


def _room_case(request: HttpRequest, number: str) -> OmbudsmanCase:
    _staff_only(request)
    return case_room_get_for_actor(actor=request.user, number=number)


def _add_errors(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _render_room(
    request: HttpRequest, case: OmbudsmanCase, *, status: int = 200, **bound: Any
) -> HttpResponse:
    actions = list(case.agreed_actions.select_related("owner"))
    done_forms = {
        action.pk: (
            bound["done_form"]
            if "done_form" in bound and bound["done_form"].action.pk == action.pk
            else AgreedActionDoneForm(action=action)
        )
        for action in actions
        if action.done_on is None
    }
    return render(
        request,
        "ombudsman/room.html",
        {
            "case": case,
            "state_label": OmbudsmanState(case.state).label,
            "is_ombudsman_staff": can_view_ombudsman_case(request.user, case),
            "room_messages": case.room_messages.select_related("author"),
            "documents": case.room_documents.select_related("uploaded_by"),
            "actions": [(action, done_forms.get(action.pk)) for action in actions],
            "today": timezone.localdate(),
            "message_form": bound.get("message_form") or RoomMessageForm(),
            "document_form": bound.get("document_form") or RoomDocumentForm(),
            "action_form": bound.get("action_form") or AgreedActionForm(case=case),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET"])
def room(request: HttpRequest, number: str) -> HttpResponse:
    return _render_room(request, _room_case(request, number))


def _back(case: OmbudsmanCase, anchor: str) -> HttpResponse:
    response = redirect("ombudsman:room", number=case.report.public_number)
    response["Location"] += f"#{anchor}"
    return response


@login_required
@require_POST
def room_message(request: HttpRequest, number: str) -> HttpResponse:
    case = _room_case(request, number)
    form = RoomMessageForm(request.POST)
    if form.is_valid():
        try:
            room_message_post(case=case, actor=request.user, body=form.cleaned_data["body"])
        except (ValidationError, PermissionDenied) as error:
            _add_errors(
                form, error if isinstance(error, ValidationError) else ValidationError(str(error))
            )
        else:
            messages.success(request, _("Your message was posted."))
            return _back(case, "messages")
    return _render_room(request, case, status=400, message_form=form)


@login_required
@require_POST
def room_document(request: HttpRequest, number: str) -> HttpResponse:
    case = _room_case(request, number)
    form = RoomDocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            room_document_add(case=case, actor=request.user, upload=form.cleaned_data["upload"])
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The document was shared."))
            return _back(case, "documents")
    return _render_room(request, case, status=400, document_form=form)


@login_required
@require_http_methods(["GET"])
def room_document_download(request: HttpRequest, number: str, document_id: int) -> FileResponse:
    case = _room_case(request, number)
    document = case.room_documents.filter(pk=document_id).first()
    if document is None:
        raise Http404("document")
    try:
        handle = open(storage_dir() / document.stored_name, "rb")  # noqa: SIM115 (FileResponse closes it)
    except FileNotFoundError:
        raise Http404("document") from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=safe_download_name(document.original_name, document.content_type),
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def room_action(request: HttpRequest, number: str) -> HttpResponse:
    case = _room_case(request, number)
    form = AgreedActionForm(request.POST, case=case)
    if form.is_valid():
        try:
            agreed_action_add(
                case=case,
                actor=request.user,
                description=form.cleaned_data["description"],
                owner=form.cleaned_data["owner"],
                due_on=form.cleaned_data["due_on"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The agreed action was added."))
            return _back(case, "actions")
    return _render_room(request, case, status=400, action_form=form)


@login_required
@require_POST
def room_action_done(request: HttpRequest, number: str, action_id: int) -> HttpResponse:
    case = _room_case(request, number)
    action = case.agreed_actions.filter(pk=action_id).first()
    if action is None:
        raise Http404("agreed action")
    form = AgreedActionDoneForm(request.POST, action=action)
    if form.is_valid():
        try:
            agreed_action_done(
                action=action, actor=request.user, evidence=form.cleaned_data["evidence"]
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The agreed action is marked done."))
            return _back(case, "actions")
    if action.done_on is not None:
        messages.info(request, _("This action is already done."))
        return _back(case, "actions")
    return _render_room(request, case, status=400, done_form=form)


# --- The coordination board ----------------------------------------------------------------

_STAGE_ORDER = Case(
    *[When(state=value, then=Value(index)) for index, value in enumerate(OmbudsmanState.values)],
    output_field=IntegerField(),
)
_ORDERINGS: dict[str, list[Any]] = {
    "age": ["opened_at", "id"],
    "-age": ["-opened_at", "-id"],
    "stage": [_STAGE_ORDER.asc(), "opened_at"],
    "due": [F("due_on").asc(nulls_last=True), "opened_at"],
}


def _render_board(
    request: HttpRequest, *, push_form: PushForm | None = None, status: int = 200
) -> HttpResponse:
    _staff_only(request)
    partners = liaison_institutions_of(request.user)
    if not partners:
        raise Http404("board")
    chosen = request.GET.get("mitra", "")
    institution = next((p for p in partners if p.slug == chosen), partners[0])
    sort_form = BoardSortForm(request.GET or None)
    sort = sort_form.cleaned_data["sort"] if sort_form.is_valid() else ""
    sort = sort or "age"
    cases = partner_open_cases(actor=request.user, institution=institution)
    counts = dict(cases.order_by().values_list("state").annotate(total=Count("id")))
    today = timezone.localdate()
    rows = []
    for case in cases.order_by(*_ORDERINGS[sort]):
        form = (
            push_form
            if push_form is not None and push_form.case.pk == case.pk
            else PushForm(case=case)
        )
        pushes = list(case.unit_pushes.all())
        rows.append(
            {
                "case": case,
                "age": (today - timezone.localtime(case.opened_at).date()).days,
                "overdue": case.due_on is not None and case.due_on < today,
                "last_push": pushes[0] if pushes else None,
                "pushed_today": bool(pushes) and pushes[0].pushed_on == today,
                "form": form,
            }
        )
    return render(
        request,
        "ombudsman/board.html",
        {
            "institution": institution,
            "partners": partners,
            "rows": rows,
            "stage_counts": [
                (OmbudsmanState(state).label, counts[state])
                for state in OmbudsmanState.values
                if counts.get(state)
            ],
            "total": sum(counts.values()),
            "overdue_count": sum(1 for row in rows if row["overdue"]),
            "sort": sort,
            "sort_label": BOARD_SORTS[sort],
            "sorts": BOARD_SORTS,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET"])
def board(request: HttpRequest) -> HttpResponse:
    return _render_board(request)


@login_required
@require_POST
def board_push(request: HttpRequest, number: str) -> HttpResponse:
    case = _room_case(request, number)
    form = PushForm(request.POST, case=case)
    if form.is_valid():
        try:
            push = partner_unit_push(case=case, actor=request.user, note=form.cleaned_data["note"])
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _("The unit's officers (%(count)d) were asked to act on %(number)s.")
                % {"count": push.recipients, "number": case.report.public_number},
            )
            response = redirect("ombudsman:board")
            query = request.GET.urlencode()
            if query:
                response["Location"] += f"?{query}"
            return response
    return _render_board(request, push_form=form, status=400)
