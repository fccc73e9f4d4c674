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
