"""The pages: filing with and without an account, following by secret, the officers' worklist and steps, and who
may see what (the wrong citizen, the wrong region's manager and the wrong agency get a 404)."""

import re

import pytest
from django.urls import reverse

from mpp.applications import services as applications
from mpp.complaints import services
from mpp.complaints.access import name_of
from mpp.complaints.models import Complaint, Status, new_secret
from mpp.notifications.models import OutboxMessage

from .conftest import file, photo
from .test_handling import _in_progress

pytestmark = pytest.mark.django_db


def _form(**changes):
    return {
        "category": "service_delay",
        "title": "Antrean terlalu lama",
        "description": "Saya menunggu tiga jam di loket Disdukcapil tanpa kejelasan.",
        "submit_key": "page-1",
    } | changes


def test_a_citizen_files_about_her_application_from_its_page(client, siti, birth_service):
    from mpp.applications.tests.conftest import birth_form, new_key

    application = applications.submit(
        applicant=siti, service=birth_service, data=birth_form(), submit_key=new_key()
    ).application
    client.force_login(siti)
    start = client.get(f"{reverse('complaints:start')}?permohonan={application.tracking_number}")
    assert start.status_code == 302
    response = client.post(start.url, _form(files=[photo()]))
    complaint = Complaint.objects.get()
    assert response.status_code == 302 and response.url.endswith(f"/{complaint.tracking_number}/terkirim/")
    assert complaint.application == application and complaint.agency == application.agency
    assert complaint.attachments.count() == 1
    page = client.get(reverse("complaints:detail", args=[complaint.tracking_number]))
    assert page.status_code == 200 and "Antrean terlalu lama" in page.text
    mine = client.get(reverse("complaints:mine"), headers={"HX-Request": "true"})
    assert complaint.tracking_number in mine.text


def test_another_citizens_application_cannot_be_complained_about(client, siti, budi, birth_service):
    from mpp.applications.tests.conftest import birth_form, new_key

    application = applications.submit(
        applicant=siti, service=birth_service, data=birth_form(), submit_key=new_key()
    ).application
    client.force_login(budi)
    assert client.get(f"{reverse('complaints:start')}?permohonan={application.tracking_number}").status_code == 404
    url = f"{reverse('complaints:file', args=['64.72'])}?permohonan={application.tracking_number}"
    assert client.post(url, _form()).status_code == 404
    assert not Complaint.objects.exists()


def test_bad_input_gets_field_errors_and_keeps_what_was_typed(client, siti):
    client.force_login(siti)
    response = client.post(reverse("complaints:file", args=["64.72"]), _form(description="pendek", category=""))
    assert response.status_code == 200
    assert "Uraian terlalu singkat." in response.text and "Pilih kategori pengaduan." in response.text
    assert "Antrean terlalu lama" in response.text
    text_file = b"not an image"
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        reverse("complaints:file", args=["64.72"]),
        _form(files=[SimpleUploadedFile("a.jpg", text_file, content_type="image/jpeg")]),
    )
    assert response.status_code == 200 and not Complaint.objects.exists()


def test_without_an_account_a_secret_or_a_confirmed_contact(client):
    response = client.post(reverse("complaints:file", args=["64.72"]), _form())
    complaint = Complaint.objects.get()
    assert complaint.anonymous and complaint.reporter is None
    receipt = client.get(response.url)
    secret = receipt.context["secret"]
    assert secret and secret in receipt.text
    assert client.get(response.url).context["secret"] == ""  # shown once
    other = type(client)()
    detail = reverse("complaints:detail", args=[complaint.tracking_number])
    assert other.get(detail).url.startswith(reverse("identity:login"))  # as for any number: nothing revealed
    another_secret = next(candidate for candidate in iter(new_secret, None) if candidate != secret)
    wrong = other.post(reverse("complaints:track"), {"number": complaint.tracking_number, "secret": another_secret})
    assert "tidak cocok" in wrong.text
    right = other.post(reverse("complaints:track"), {"number": complaint.tracking_number.lower(), "secret": secret})
    assert right.status_code == 302 and other.get(detail).status_code == 200

    client.post(
        reverse("complaints:file", args=["64.72"]),
        _form(submit_key="page-2", contact="warga@example.test", reporter_name="Warga"),
    )
    pending = Complaint.objects.get(contact="warga@example.test")
    assert pending.awaits_contact
    code = OutboxMessage.objects.get(kind="complaint_code").context["code"]
    confirm = client.post(reverse("complaints:confirm", args=[pending.pk]), {"code": code})
    assert confirm.status_code == 302
    pending.refresh_from_db()
    assert not pending.awaits_contact


def test_filing_is_rate_limited_per_contact(client, settings):
    for number in range(5):
        client.post(
            reverse("complaints:file", args=["64.72"]),
            _form(submit_key=f"k{number}", contact="banjir@example.test"),
        )
    response = client.post(
        reverse("complaints:file", args=["64.72"]), _form(submit_key="k9", contact="banjir@example.test")
    )
    assert response.status_code == 429 and Complaint.objects.count() == 5


def test_a_reporter_signed_out_follows_a_notices_link_after_signing_in(client, siti):
    complaint = file(siti)
    detail = reverse("complaints:detail", args=[complaint.tracking_number])
    unknown = reverse("complaints:detail", args=["ADU-6472-2611-ZZZZZZZZ"])
    response = client.get(detail)
    assert response.status_code == 302 and response.url == f"{reverse('identity:login')}?next={detail}"
    assert client.get(unknown).url == f"{reverse('identity:login')}?next={unknown}"  # the same for any number
    client.force_login(siti)
    assert client.get(detail).status_code == 200


def test_the_wrong_citizen_never_sees_a_complaint(client, siti, budi):
    complaint = file(siti, files=[photo()])
    attachment = complaint.attachments.get()
    client.force_login(budi)
    number = complaint.tracking_number
    assert client.get(reverse("complaints:detail", args=[number])).status_code == 404
    assert client.post(reverse("complaints:verdict", args=[number]), {"verdict": "confirm"}).status_code == 404
    assert client.post(reverse("complaints:inform", args=[number]), {"text": "x"}).status_code == 404
    assert client.get(reverse("complaints:attachment", args=[number, attachment.pk])).status_code == 404
    assert number not in client.get(reverse("complaints:mine")).text


def test_the_wrong_region_and_the_wrong_agency_get_a_404(
    client, siti, surakarta_manager, health_complaint_officer, complaint_officer, dukcapil
):
    complaint = _in_progress(siti, complaint_officer, dukcapil, files=[photo()])
    attachment = complaint.attachments.get()
    for outsider in (surakarta_manager, health_complaint_officer):
        client.force_login(outsider)
        assert client.get(reverse("complaints:officer_detail", args=[complaint.pk])).status_code == 404
        url = reverse("complaints:act", args=[complaint.pk, "reply"])
        assert client.post(url, {"version": complaint.version, "text": "x"}).status_code == 404
        assert (
            client.get(reverse("complaints:officer_attachment", args=[complaint.pk, attachment.pk])).status_code == 404
        )
        assert complaint.title not in client.get(reverse("complaints:worklist")).text
    assert client.get(reverse("complaints:worklist")).status_code == 200
    client.force_login(siti)
    assert client.get(reverse("complaints:worklist")).status_code == 404


def test_officers_act_through_the_page_and_a_stale_form_gets_409(
    client, siti, samarinda_manager, complaint_officer, dukcapil
):
    complaint = file(siti)
    client.force_login(samarinda_manager)
    page = client.get(reverse("complaints:officer_detail", args=[complaint.pk]))
    assert page.status_code == 200 and name_of(siti) in page.text
    route = reverse("complaints:act", args=[complaint.pk, "route"])
    form = {"version": complaint.version, "category": "service_delay", "weight": "ordinary", "agency": dukcapil.pk}
    assert client.post(route, form).status_code == 302
    assert client.post(route, form).status_code == 409
    complaint.refresh_from_db()
    client.force_login(complaint_officer)
    resolve = reverse("complaints:act", args=[complaint.pk, "resolve"])
    response = client.post(resolve, {"version": complaint.version, "action_taken": "", "answer": "x"})
    assert response.status_code == 400  # a field error, nothing changed
    complaint.refresh_from_db()
    assert complaint.status == Status.IN_PROGRESS


def test_the_officers_page_gives_each_field_its_own_id_and_says_what_was_done_once(
    client, siti, complaint_officer, dukcapil
):
    complaint = _in_progress(siti, complaint_officer, dukcapil)
    client.force_login(complaint_officer)
    page = client.get(reverse("complaints:officer_detail", args=[complaint.pk])).text
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert {"id_reply_text", "id_ask_text", "id_route_note", "id_forward_note"} <= set(ids)
    assert len(ids) == len(set(ids)), sorted({id_ for id_ in ids if ids.count(id_) > 1})  # a label names one field
    ask = reverse("complaints:act", args=[complaint.pk, "ask"])
    done = client.post(ask, {"version": complaint.version, "text": "Di loket berapa?"}, follow=True).text
    assert done.count("Pertanyaan terkirim") == 1


def test_an_anonymous_reporter_appears_on_no_officer_page(client, siti, samarinda_manager, complaint_officer, dukcapil):
    complaint = _in_progress(siti, complaint_officer, dukcapil, anonymous=True)
    services.reply(officer=complaint_officer, complaint_id=complaint.pk, version=complaint.version, answer="Dicek.")
    identity = [name_of(siti), siti.nik, siti.email, siti.username]
    for staff in (samarinda_manager, complaint_officer):
        client.force_login(staff)
        pages = [
            client.get(reverse("complaints:worklist")).text,
            client.get(reverse("complaints:officer_detail", args=[complaint.pk])).text,
        ]
        for text in pages:
            assert "Anonim" in text
            assert not [value for value in identity if value and value in text]
        # The audit link is for the platform's audit only.
        assert reverse("complaints:reveal", args=[complaint.pk]) not in pages[1]
        assert client.get(reverse("complaints:reveal", args=[complaint.pk])).status_code == 404


def test_the_counter_files_for_a_walk_in(client, db):
    from mpp.applications.tests.conftest import officer
    from mpp.identity.models import Role

    counter = officer("loket.dukcapil.samarinda", Role.COUNTER_OFFICER)
    client.force_login(counter)
    response = client.post(reverse("complaints:counter_file"), _form(reporter_name="Pak Amir", contact="081234567890"))
    assert response.status_code == 200 and "Pengaduan tercatat" in response.text
    complaint = Complaint.objects.get()
    assert complaint.channel == "counter" and complaint.entered_by == counter and not complaint.awaits_contact


def test_the_manager_sets_deadlines_for_a_category(client, samarinda_manager, surakarta_manager):
    client.force_login(samarinda_manager)
    url = reverse("complaints:rules")
    response = client.post(
        url,
        {
            "category": "illegal_fees",
            "illegal_fees-weight": "complex",
            "illegal_fees-acknowledge_days": "1",
            "illegal_fees-respond_days": "3",
            "illegal_fees-resolve_days": "14",
            "illegal_fees-forward_to_lapor": "on",
        },
    )
    assert response.status_code == 302
    assert services.deadline_days("64.72", "illegal_fees") == (1, 3, 14, "complex", True)
    assert services.deadline_days("33.72", "illegal_fees")[2] == 5
    bad = client.post(
        url,
        {
            "category": "facilities",
            "facilities-weight": "simple",
            "facilities-acknowledge_days": "5",
            "facilities-respond_days": "3",
            "facilities-resolve_days": "2",
        },
    )
    assert bad.status_code == 200 and "Batas verifikasi" in bad.text


def test_the_public_figures_hold_no_personal_data(client, siti, complaint_officer, dukcapil):
    from mpp.complaints import figures

    complaint = _in_progress(siti, complaint_officer, dukcapil, publish_consent=True)
    services.resolve(
        officer=complaint_officer,
        complaint_id=complaint.pk,
        version=complaint.version,
        action_taken="-",
        answer="Antrean kini dibagi per layanan.",
    )
    figures.refresh()
    page = client.get(reverse("complaints:region_figures", args=["64.72"]))
    assert page.status_code == 200 and "Keterlambatan layanan" in page.text
    assert name_of(siti) not in page.text and complaint.tracking_number not in page.text
