import factory

from mpp.identity.models import RoleAssignment, User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.test")
    password = factory.django.Password("correct-horse-battery")

    class Params:
        staff = factory.Trait(is_staff=True)


def make_staff(username: str, role: str, region: str | None = None) -> User:
    """A staff persona: a ministry official (national) or an MPP manager of one kabupaten/kota."""
    user = UserFactory(username=username, staff=True)
    RoleAssignment.objects.create(user=user, role=role, region_id=region)
    return user


SITI_NIK = "6472015204900003"


def make_citizen(
    nik: str = SITI_NIK, *, email: str | None = None, level: int = 2, password: str = "correct-horse-battery", **extra
) -> User:
    """A citizen persona with a confirmed e-mail at the given level of assurance."""
    from django.utils import timezone

    now = timezone.now()
    return UserFactory(
        username=nik,
        nik=nik,
        email=email or f"{nik}@example.test",
        email_verified_at=now,
        assurance_level=level,
        nik_verified_at=now if level >= 2 else None,
        face_verified_at=now if level >= 3 else None,
        password=password,
        **extra,
    )


def make_person_record(nik: str, *, name: str, kk_number: str, relationship: str, birth_date: str, **data):
    from django.utils import timezone

    from mpp.registry.models import PersonRecord

    payload = {
        "nik": nik,
        "kk_number": kk_number,
        "name": name,
        "birth_date": birth_date,
        "birth_place": "SAMARINDA",
        "sex": "PEREMPUAN",
        "religion": "ISLAM",
        "nationality": "WNI",
        "marital_status": "BELUM KAWIN" if relationship == "ANAK" else "KAWIN",
        "occupation": "PELAJAR/MAHASISWA" if relationship == "ANAK" else "KARYAWAN SWASTA",
        "relationship": relationship,
        "address": dict(_ADDRESS),
        **data,
    }
    return PersonRecord.objects.create(
        nik=nik, kk_number=kk_number, data=payload, source="Dukcapil Kemendagri", retrieved_at=timezone.now()
    )


_ADDRESS = {
    "street": "JL. PAHLAWAN NO. 12",
    "rt": "003",
    "rw": "002",
    "village_name": "SIDODADI",
    "district_name": "SAMARINDA ULU",
    "regency_name": "KOTA SAMARINDA",
    "province_name": "KALIMANTAN TIMUR",
    "postal_code": "75123",
    "village_code": "64.72.01.1001",
}


def make_family(kk_number: str, members: list[dict]):
    from django.utils import timezone

    from mpp.registry.models import FamilyRecord

    return FamilyRecord.objects.create(
        kk_number=kk_number,
        data={"kk_number": kk_number, "address": _ADDRESS, "members": members},
        source="Dukcapil Kemendagri",
        retrieved_at=timezone.now(),
    )
