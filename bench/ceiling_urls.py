"""Bench only, never shipped: the product's URLs and, before them, the applications family's write ceiling.

bench/applications.py serves this URLconf from the applications family's granian server (``ROOT_URLCONF=ceiling_urls``
with bench/ on ``PYTHONPATH``; src/mpp/settings.py reads ``ROOT_URLCONF`` from the environment, ``mpp.urls`` when
unset), the same server, settings and middleware that measure submitting an application. ``POST
/bench/ceiling/write`` writes the four rows a submission writes — the application, its first timeline event, the
applicant's notification and its outbox message — in one transaction, and nothing else: no session, form,
validation, permission check, registry lookup or duplicate check, the service's columns read once per process.
What submitting costs beyond it is the product's own work.
"""

import functools
import secrets

from django.db import transaction
from django.http import JsonResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from mpp.applications.models import Application, Event, Status, new_tracking_number
from mpp.catalog.models import Service
from mpp.notifications.models import Channel, Notification, OutboxMessage
from mpp.urls import urlpatterns as product_urlpatterns

PATH = "bench/ceiling/write"
# The first step of the birth certificate's workflow, as submit sets it.
FIRST_STEP, FIRST_ROLE = "verification", "verifier"
RECIPIENT = "ceiling@bench.invalid"


@functools.cache
def _service(service_id: str) -> dict:
    return Service.objects.values("current_version_id", "region_id", "agency_id").get(pk=service_id)


@csrf_exempt
@require_POST
def write(request):
    """``?applicant=<user id>&service=<service id>&key=<prefix>``: one application of ``applicant`` for ``service``
    with the submit_key ``<prefix>-<random>``, its event, notification and outbox message; 201 with its id."""
    applicant_id, service = int(request.GET["applicant"]), _service(request.GET["service"])
    now = timezone.now()
    with transaction.atomic():
        application = Application.objects.create(
            tracking_number=new_tracking_number(service["region_id"], now.strftime("%y%m")),
            service_id=request.GET["service"],
            service_version_id=service["current_version_id"],
            region_id=service["region_id"],
            agency_id=service["agency_id"],
            applicant_id=applicant_id,
            basis="self",
            status=Status.IN_PROGRESS,
            step=FIRST_STEP,
            step_role=FIRST_ROLE,
            submitted_at=now,
            due_at=now,
            step_due_at=now,
            submit_key=f"{request.GET['key']}-{secrets.token_hex(8)}",
            version=1,
        )
        event = Event.objects.create(
            application=application,
            at=now,
            actor_id=applicant_id,
            actor_label="Pemohon",
            action="submit",
            to_status=Status.IN_PROGRESS,
            to_step=FIRST_STEP,
        )
        key = f"application-event:{event.pk}"
        Notification.objects.create(
            user_id=applicant_id, application=application, kind="submitted", context={"key": key}, created_at=now
        )
        OutboxMessage.objects.bulk_create(  # as notify() writes it
            [
                OutboxMessage(
                    dedup_key=f"{key}:{Channel.EMAIL.value}",
                    created_at=now,
                    channel=Channel.EMAIL,
                    recipient=RECIPIENT,
                    kind="submitted",
                    context={},
                    next_attempt_at=now,
                )
            ],
            ignore_conflicts=True,
        )
    return JsonResponse({"id": str(application.pk)}, status=201)


urlpatterns = [path(PATH, write, name="bench_write_ceiling"), *product_urlpatterns]
