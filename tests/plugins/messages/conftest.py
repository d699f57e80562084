"""What the messages tests share: two associations run by Ada and Bob, Eve unrelated, an administrator."""

from types import SimpleNamespace

import pytest


def card(client, name):
    response = client.post_form("/directory/new", {"name": name, "postcode": "80000", "access": "public"},
                                follow_redirects=False)
    assert response.status_code == 303
    return int(response.headers["location"].rsplit("/", 1)[1])


def act_as(client, guid):
    client.post_form("/acting-as", {"actor": str(guid), "next": "/"}, token_from="/")


def start(client, to, body, sender=None, subject="Hello", **extra):
    data = {"to": [str(g) for g in (to if isinstance(to, list) else [to])], "subject": subject, "body": body, **extra}
    if sender:
        data["sender"] = str(sender)
    response = client.post_form("/messages/new", data, token_from="/messages/new", follow_redirects=False)
    return response


def started(client, to, body, **kwargs) -> int:
    response = start(client, to, body, **kwargs)
    assert response.status_code == 303, response.text
    return int(response.headers["location"].rsplit("/", 1)[1])


def reply(client, conv, body, sender=None):
    data = {"body": body}
    if sender:
        data["sender"] = str(sender)
    return client.post_form(f"/messages/{conv}", data, token_from=f"/messages/{conv}", follow_redirects=False)


@pytest.fixture
def world(signed_in):
    ada, bob, eve = signed_in("ada"), signed_in("bob"), signed_in("eve")
    admin = signed_in("root", role="admin")
    a, b = card(ada, "Les Amis du Jardin"), card(bob, "Vélo Libre")
    return SimpleNamespace(ada=ada, bob=bob, eve=eve, admin=admin, a=a, b=b)
