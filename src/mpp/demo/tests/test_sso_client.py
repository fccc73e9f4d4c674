"""The demo client for `make run`: demo mode only, a new secret each time."""

import pytest
from django.contrib.auth.hashers import check_password
from django.core.management import CommandError, call_command

from mpp.demo.sso_client import DEMO_CLIENT_ID, seed_sso_demo
from mpp.sso.models import AgencyClient

pytestmark = pytest.mark.django_db


def test_demo_refuses_outside_demo_mode(settings):
    settings.DEMO_MODE = False
    with pytest.raises(CommandError):
        call_command("seed_sso_demo")
    assert not AgencyClient.objects.exists()


def test_demo_prints_credentials_that_work_and_resets_them_on_rerun(settings, capsys):
    settings.DEMO_MODE = True
    call_command("seed_sso_demo", "--redirect-uri", "http://127.0.0.1:9999/cb")
    first = dict(line.split("=", 1) for line in capsys.readouterr().out.splitlines() if line.startswith("MPP_"))
    client = AgencyClient.objects.get(client_id=DEMO_CLIENT_ID)
    assert first["MPP_CLIENT_ID"] == DEMO_CLIENT_ID
    assert check_password(first["MPP_CLIENT_SECRET"], client.client_secret)
    assert client.redirect_uris == "http://127.0.0.1:9999/cb"
    assert client.post_logout_redirect_uris == "http://127.0.0.1:9999/"
    _client, second_secret = seed_sso_demo()
    assert second_secret != first["MPP_CLIENT_SECRET"]
    assert AgencyClient.objects.count() == 1
