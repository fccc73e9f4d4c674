"""Read-only public pages read reference and aggregate data from the replica, everything else stays on the
primary, and a replica that fails sends the pages back to the primary for a while (mpp.core.db.replica)."""

import pytest
from django.contrib.sessions.models import Session
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.utils import load_backend
from django.test.utils import CaptureQueriesContext

from mpp.catalog.models import Service
from mpp.core.db import replica
from mpp.documents.models import IssuedDocument
from mpp.identity.models import User
from mpp.regions.models import Region

AIR_PUTIH = "64.72.03.1004"


def _tables(context: CaptureQueriesContext) -> str:
    return " ".join(query["sql"] for query in context.captured_queries)


@pytest.fixture
def with_replica(db, settings):
    """Configure a replica: the alias's settings (by default a second connection to the test database: what the
    cluster's streaming replica holds is what the primary committed)."""
    made = []

    def configure(**changes):
        config = {**connections[DEFAULT_DB_ALIAS].settings_dict, **changes}
        settings.DATABASES = {**settings.DATABASES, replica.REPLICA: config}
        connections[replica.REPLICA] = load_backend(config["ENGINE"]).DatabaseWrapper(config, replica.REPLICA)
        made.append(connections[replica.REPLICA])
        return made[-1]

    yield configure
    for connection in made:
        connection.close()
        del connections[replica.REPLICA]
    replica._down_until = 0.0


def test_without_a_replica_every_read_is_on_the_primary(client, db):
    assert not replica.configured()
    with CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as primary:
        assert client.get(f"/wilayah/{AIR_PUTIH}/").status_code == 200
    assert "regions_region" in _tables(primary)


def test_a_public_page_reads_the_catalog_and_regions_from_the_replica(client, with_replica):
    second = with_replica()
    with CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as primary, CaptureQueriesContext(second) as read:
        page = client.get(f"/wilayah/{AIR_PUTIH}/")
        region = client.get("/wilayah/64.72/")
    assert page.status_code == region.status_code == 200 and "Air Putih" in page.text
    assert "regions_region" in _tables(read) and "catalog_service" in _tables(read)
    assert "regions_region" not in _tables(primary) and "catalog_service" not in _tables(primary)


def test_only_reference_data_inside_a_marked_view_goes_to_the_replica(with_replica):
    with_replica()
    router = replica.ReplicaRouter()
    assert router.db_for_read(Region) is None  # outside a marked view
    token = replica._reading.set(True)
    try:
        assert router.db_for_read(Region) == router.db_for_read(Service) == replica.REPLICA
        # Who is signed in, and documents (verification must know one issued or revoked a second ago): the primary.
        assert router.db_for_read(Session) is router.db_for_read(User) is router.db_for_read(IssuedDocument) is None
        assert router.db_for_write(Region) == DEFAULT_DB_ALIAS
    finally:
        replica._reading.reset(token)
    assert not router.allow_migrate(replica.REPLICA, "regions") and router.allow_migrate(DEFAULT_DB_ALIAS, "regions")


def test_the_verification_page_reads_the_primary(client, with_replica):
    second = with_replica()
    with CaptureQueriesContext(second) as read:
        assert client.get("/verify/KK7Q-4M2D-9XPA").status_code == 404
    assert not read.captured_queries


def _unreachable() -> dict:
    if connections[DEFAULT_DB_ALIAS].vendor == "postgresql":
        return {"HOST": "127.0.0.1", "PORT": "1", "CONN_MAX_AGE": 0}  # nothing listens there: refused at once
    return {"NAME": "/nonexistent/replica/mpp.sqlite3"}  # cannot be opened


def test_a_replica_that_does_not_answer_sends_the_pages_to_the_primary_for_a_while(client, with_replica, caplog):
    with_replica(**_unreachable())
    with CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as primary:
        page = client.get(f"/wilayah/{AIR_PUTIH}/")
    assert page.status_code == 200 and "Air Putih" in page.text  # read again from the primary
    assert "regions_region" in _tables(primary)
    assert "replica failed" in caplog.text
    assert not replica.available()  # the next pages go straight to the primary…
    assert client.get("/wilayah/64.72/").status_code == 200
    replica._down_until = 0.0  # …until the retry time has passed
    assert replica.available()
