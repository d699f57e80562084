"""Several app servers on one database and one media backend: two real `maillage run` processes,
each with its own data folder, sharing DATABASE_URL (PostgreSQL in the PostgreSQL pass of the
suite), MAILLAGE_SECRET and MAILLAGE_MEDIA_URL (a local folder both reach, as over NFS).
The S3 backend is not tested here: no S3-compatible server runs offline on the test machine."""

import datetime as dt
import io
import os
import re
import subprocess
import time

import httpx2 as httpx
import pytest
from PIL import Image

from core.testing import ServerProcess, fresh_database_url, write_site

SECRET = "shared-secret-of-the-installation-0123456789"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def poll(check, what: str, limit: float):
    """Call ``check`` until it returns something true; fail after ``limit`` seconds, well under the
    60 s a worker keeps a calendar without being told (a guard, not a timing assertion). Returns
    (result, seconds waited)."""
    start = time.monotonic()
    while True:
        result = check()
        if result:
            return result, time.monotonic() - start
        if time.monotonic() - start > limit:
            pytest.fail(f"{what}: still not true after {limit} s")
        time.sleep(0.05)


def client_for(server):
    return httpx.Client(base_url=server.url, headers={"host": "testserver"}, follow_redirects=False, timeout=30)


def csrf(client, path):
    return CSRF.search(client.get(path).text).group(1)


@pytest.fixture
def servers(tmp_path):
    write_site(tmp_path / "sites", "test", plugins=("agenda",))
    common = {"MAILLAGE_SITES": str(tmp_path / "sites"), "DATABASE_URL": fresh_database_url(tmp_path),
              "MAILLAGE_SECRET": SECRET, "MAILLAGE_MEDIA_URL": (tmp_path / "shared-media").as_uri(),
              "MAILLAGE_DEBUG": ""}
    env = {**os.environ, **common, "MAILLAGE_HOME": str(tmp_path / "a")}
    subprocess.run(["maillage", "migrate"], env=env, check=True, capture_output=True, timeout=300)
    subprocess.run(["maillage", "createadmin", "ada@example.org", "--password", "password-ada-123"], env=env,
                   check=True, capture_output=True, timeout=300)
    a = ServerProcess({**common, "MAILLAGE_HOME": str(tmp_path / "a")}).start()
    b = ServerProcess({**common, "MAILLAGE_HOME": str(tmp_path / "b")}).start()
    yield a, b
    for server in (a, b):
        code, _out, err = server.stop()
        assert "Traceback" not in err, err


def test_two_servers_share_sessions_media_and_cache_invalidation(servers, tmp_path):
    a, b = servers
    assert a.request("GET", "/healthz")[0] == 200 and b.request("GET", "/healthz")[0] == 200
    on_a, on_b = client_for(a), client_for(b)

    # A session made on A works on B.
    signed = on_a.post("/signin", data={"email": "ada@example.org", "password": "password-ada-123",
                                        "csrf_token": csrf(on_a, "/signin")})
    assert signed.status_code == 303
    on_b.cookies = on_a.cookies
    assert on_b.get("/admin").status_code == 200  # a visitor would be sent to /signin
    assert client_for(b).get("/admin").status_code == 303
    guid = int(re.search(r"/members/(\d+)/edit", on_b.get("/admin").text + on_b.get("/account").text
                         + on_b.get("/").text).group(1))

    # An upload made on A downloads from B.
    picture = io.BytesIO()
    Image.new("RGB", (300, 200), (200, 30, 60)).save(picture, "PNG")
    saved = on_a.post(f"/members/{guid}/edit", data={"name": "Ada", "csrf_token": csrf(on_a, f"/members/{guid}/edit")},
                      files={"avatar": ("ada.png", picture.getvalue(), "image/png")})
    assert saved.status_code == 303, saved.text[:500]
    from_a, from_b = on_a.get(f"/members/{guid}/avatar"), on_b.get(f"/members/{guid}/avatar")
    assert from_b.status_code == 200 and from_b.headers["content-type"] in ("image/jpeg", "image/png")
    assert from_b.content == from_a.content and len(from_b.content) > 100
    assert not (tmp_path / "a" / "media").exists() and not (tmp_path / "b" / "media").exists()

    # A cache cleared by a write on A is fresh on B: visitors' month calendar on B, event added on A.
    visitor_b = client_for(b)
    day = (dt.date.today() + dt.timedelta(days=2)) if dt.date.today().day < 25 else dt.date.today()
    month = f"/agenda/month?month={day:%Y-%m}"
    assert "Réunion des serveurs" not in visitor_b.get(month).text  # computed and kept on B
    created = on_a.post("/agenda/new", data={
        "title": "Réunion des serveurs", "description": "", "start_date": day.isoformat(), "start_time": "14:00",
        "end_date": day.isoformat(), "end_time": "18:00", "tz": "Europe/Paris", "commune": "Amiens",
        "postcode": "80000", "access": "public", "show_participants": "organiser",
        "csrf_token": csrf(on_a, "/agenda/new")})
    assert created.status_code == 303, created.text[:500]
    _found, waited = poll(lambda: "Réunion des serveurs" in visitor_b.get(month).text,
                          "the event added on A in B's month calendar", limit=20)
    print(f"B's calendar was fresh {waited:.2f} s after the write on A")
