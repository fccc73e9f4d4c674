"""Face verification end to end: the platform's page, the registry simulator's face model and liveness."""

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from mpp.audit.models import AccessKind, DataAccess
from mpp.identity.models import AssuranceLevel
from mpp.identity.tests.factories import make_citizen
from simulators.dukcapil.testing import PLATFORM_TEST_KEY as DUKCAPIL_TEST_KEY

pytestmark = pytest.mark.django_db

SITI = "6472035204900001"


@pytest.fixture(scope="module")
def seq():
    from simulators.dukcapil.tests import photos

    return photos.sequences()


@pytest.fixture
def siti(dukcapil, seq):
    import httpx

    httpx.post(
        f"{dukcapil.url}/api/v1/faces/enroll",
        headers={"Authorization": f"Bearer {DUKCAPIL_TEST_KEY}"},
        data={"nik": SITI},
        files={"photo": ("ktp.jpg", seq.enrol)},
    ).raise_for_status()
    cache.clear()
    return make_citizen(SITI, level=AssuranceLevel.NIK_VERIFIED)


def _attempt(client, seq, frames_for):
    client.get("/akun/wajah/")  # the server picks the challenge and keeps it in the session
    frames = frames_for(seq, client.session["identity:face_challenge"])
    uploads = [SimpleUploadedFile(f"f{i}.jpg", frame, "image/jpeg") for i, frame in enumerate(frames)]
    return client.post("/akun/wajah/?next=/akun/", {"frames": uploads})


def test_a_second_photo_of_the_same_person_following_the_challenge_verifies_the_face(client, siti, seq):
    client.force_login(siti)
    response = _attempt(client, seq, lambda s, challenge: getattr(s, challenge))
    assert response.status_code == 302, response.content.decode()[:3000]
    siti.refresh_from_db()
    assert siti.assurance_level == AssuranceLevel.FACE_VERIFIED
    check = DataAccess.objects.get(subject_nik=SITI, kind=AccessKind.FACE_CHECK)
    assert check.outcome == "cocok"


def test_a_different_person_is_rejected(client, siti, seq):
    client.force_login(siti)
    response = _attempt(client, seq, lambda s, challenge: s.other_person)
    assert response.status_code == 400
    assert "tidak cocok" in response.content.decode()
    siti.refresh_from_db()
    assert siti.assurance_level == AssuranceLevel.NIK_VERIFIED


def test_a_replayed_still_photo_fails_liveness(client, siti, seq):
    client.force_login(siti)
    response = _attempt(client, seq, lambda s, challenge: s.replay)
    assert response.status_code == 400
    siti.refresh_from_db()
    assert siti.assurance_level == AssuranceLevel.NIK_VERIFIED


def test_a_file_that_is_not_a_photo_is_refused_with_a_message(client, siti):
    client.force_login(siti)
    client.get("/akun/wajah/")
    frames = [SimpleUploadedFile(f"f{i}.jpg", b"%PDF-1.4 not a photo", "image/jpeg") for i in range(3)]
    response = client.post("/akun/wajah/", {"frames": frames})
    assert response.status_code == 400
    assert "JPEG atau PNG" in response.content.decode()


def test_the_photos_are_not_kept_by_the_platform(client, siti, seq, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(siti)
    _attempt(client, seq, lambda s, challenge: getattr(s, challenge))
    assert not any(tmp_path.iterdir())
