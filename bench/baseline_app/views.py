from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from baseline_app.models import BaselineRow


def hello(request: HttpRequest) -> HttpResponse:
    return HttpResponse("Hello, world", content_type="text/plain")


# A form post from a page the load generator never fetched, like the API: no CSRF token (and
# under the bare settings no CSRF middleware at all).
@csrf_exempt
def insert(request: HttpRequest) -> HttpResponse:
    with transaction.atomic():
        row = BaselineRow.objects.create(text=request.POST.get("text", "")[:200])
    return HttpResponse(str(row.pk), status=201, content_type="text/plain")
