"""Page metadata: read only when the site allows outgoing requests, by the worker, never from a
private address (a real HTTP server on 127.0.0.1 must receive nothing), with a size cap; the
parser reads Open Graph, <title> and the description."""

import http.server
import threading

import pytest

from core.db import database
from core.jobs import Job
from core.models import Entity
from core.worker import Worker
from plugins.veille import fetch, links
from plugins.veille.models import Link

ALLOW = "[plugins.veille]\nfetch_metadata = true\n"

PAGE = b"""<!doctype html><html><head><meta charset="utf-8">
<title>Le titre de la balise</title>
<meta property="og:title" content="Guide des subventions &amp; aides">
<meta property="og:description" content="Tout savoir sur les aides aux associations.">
<meta property="og:site_name" content="Exemple">
</head><body><p>Texte</p><meta property="og:title" content="Pas celui-ci"></body></html>"""


class Recorder(http.server.BaseHTTPRequestHandler):
    hits: list = []
    body = PAGE

    def do_GET(self):
        type(self).hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args):
        pass


@pytest.fixture
def local_server():
    Recorder.hits = []
    Recorder.body = PAGE
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def share(client, url, title=""):
    form = {"url": url, "title": title, "description": "", "note": "", "rating": "", "tags": "", "access": "public"}
    response = client.post_form("/veille/new", form, follow_redirects=False)
    assert response.status_code == 303, response.text
    return int(response.headers["location"].rsplit("/", 1)[1])


@pytest.mark.site(plugins=["veille"], toml=ALLOW)
def test_a_private_address_is_never_fetched(signed_in, app, local_server):
    server, base = local_server
    ada = signed_in("ada")
    guids = [share(ada, f"{base}/page"), share(ada, f"http://localhost:{server.server_address[1]}/page")]
    with database.connection_context():
        assert Job.select().where(Job.name == "veille.metadata").count() == 2  # queued for the worker
    Worker(app).drain()
    assert Recorder.hits == []  # the guard refused both before any connection
    with database.connection_context():
        for guid in guids:
            assert Link.get_by_id(guid).fetch_state == "refused"
            assert Link.get_by_id(guid).description == ""
        assert Entity.get_by_id(guids[0]).title == f"127.0.0.1:{server.server_address[1]}/page"


@pytest.mark.site(plugins=["veille"], toml=ALLOW)
def test_metadata_fills_what_the_member_left_empty(signed_in, app, local_server):
    _server, base = local_server
    ada = signed_in("ada")
    guid = share(ada, f"{base}/page")
    with database.connection_context():
        # the tests' only way past the guard: the job's function called with allow_private
        assert links.fill_metadata(app.runtime("test"), guid, allow_private=True) == "done"
        link, entity = Link.get_by_id(guid), Entity.get_by_id(guid)
    assert Recorder.hits == ["/page"]
    assert entity.title == "Guide des subventions & aides"
    assert link.description == "Tout savoir sur les aides aux associations." and link.site_name == "Exemple"
    assert "Guide des subventions &amp; aides" in ada.get(f"/veille/{guid}").text
    # a title the member typed is kept
    mine = share(ada, f"{base}/autre", title="Mon titre")
    with database.connection_context():
        links.fill_metadata(app.runtime("test"), mine, allow_private=True)
        assert Entity.get_by_id(mine).title == "Mon titre"


@pytest.mark.site(plugins=["veille"])
def test_nothing_is_fetched_when_the_site_does_not_allow_it(signed_in, app, local_server):
    _server, base = local_server
    ada = signed_in("ada")
    guid = share(ada, f"{base}/page")
    with database.connection_context():
        assert not Job.select().where(Job.name == "veille.metadata").exists()
        assert links.fill_metadata(app.runtime("test"), guid, allow_private=True) == ""
    assert Recorder.hits == []


def test_the_read_stops_at_the_size_cap(local_server):
    _server, base = local_server
    Recorder.body = b"<html><head>" + b"<!-- " + b"x" * (2 * fetch.MAX_BYTES) + b" -->" + \
        b'<meta property="og:title" content="Trop loin"></head></html>'
    content_type, data = fetch.download(f"{base}/big", allow_private=True)
    assert len(data) == fetch.MAX_BYTES
    assert fetch.parse(fetch.decode(content_type, data)).title == ""


@pytest.mark.parametrize("address", ["127.0.0.1", "10.1.2.3", "172.16.0.5", "192.168.1.1", "169.254.169.254",
                                     "100.64.0.1", "0.0.0.0", "::1", "fe80::1", "fc00::1", "::ffff:127.0.0.1",
                                     "224.0.0.1"])
def test_private_and_special_addresses_are_not_public(address):
    assert not fetch.public_address(address)
    with pytest.raises(fetch.Refused):
        fetch.resolve(address, 80)


def test_public_addresses_pass():
    assert fetch.public_address("93.184.216.34") and fetch.public_address("2606:2800:220:1:248:1893:25c8:1946")


@pytest.mark.parametrize("address", ["javascript:alert(1)", "data:text/html,x", "file:///etc/passwd",
                                     "ftp://example.org/"])
def test_only_http_addresses_are_downloaded(address):
    with pytest.raises(fetch.Refused):
        fetch.download(address, allow_private=True)


def test_the_parser_reads_title_and_description_and_the_charset():
    found = fetch.parse(fetch.decode("text/html", '<html><head><meta charset="iso-8859-1"><title> Fête\n du '
                                     'jardin </title><meta name="description" content="Samedi à 14 h">'
                                     "</head></html>".encode("iso-8859-1")))
    assert found.title == "Fête du jardin" and found.description == "Samedi à 14 h"
    assert fetch.parse("<title>Sans fin").title == "Sans fin"
    assert fetch.parse("").title == ""


class Redirector(http.server.BaseHTTPRequestHandler):
    target = ""

    def do_GET(self):
        self.send_response(302)
        self.send_header("Location", type(self).target)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def test_a_redirect_to_a_private_address_is_refused(local_server):
    """The first server is allowed (it stands for a public site); it redirects to a private one,
    which the guard checks again and refuses: the private server receives nothing."""
    _server, private = local_server
    Redirector.target = f"{private}/page"
    front = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Redirector)
    threading.Thread(target=front.serve_forever, daemon=True).start()
    try:
        allowed = {f"127.0.0.1:{front.server_address[1]}"}
        with pytest.raises(fetch.Refused):
            fetch.metadata(f"http://127.0.0.1:{front.server_address[1]}/start", allow_private=allowed)
        assert Recorder.hits == []
        Redirector.target = "javascript:alert(1)"
        with pytest.raises(fetch.Refused):
            fetch.metadata(f"http://127.0.0.1:{front.server_address[1]}/start", allow_private=allowed)
        # the same redirect followed when the target is allowed too: the guard, not a bug, stopped it
        Redirector.target = f"{private}/page"
        found = fetch.metadata(f"http://127.0.0.1:{front.server_address[1]}/start", allow_private=True)
        assert found.title == "Guide des subventions & aides" and Recorder.hits == ["/page"]
    finally:
        front.shutdown()
        front.server_close()
