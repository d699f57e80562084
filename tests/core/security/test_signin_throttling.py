"""Wrong passwords from one address do not lock the owner out from another (issue 19, point 7)."""

from core import testing


def _client(app, address):
    return testing.Client(app, base_url="http://testserver", client=(address, 50000))


def test_an_attacker_is_throttled_while_the_owner_still_signs_in(app, member_factory):
    member_factory("ada")
    with _client(app, "203.0.113.9") as attacker, _client(app, "198.51.100.7") as owner:
        answers = [attacker.signin("ada@example.org", f"wrong-{i}").status_code for i in range(10)]
        assert answers[:8] == [400] * 8 and answers[8:] == [429, 429]
        # the right password from the attacker's address stays refused while throttled
        assert attacker.signin("ada@example.org", "password-ada-123").status_code == 429
        assert owner.signin("ada@example.org", "password-ada-123").status_code == 303


def test_one_address_is_throttled_across_accounts(app, member_factory):
    for name in ("ada", "bob"):
        member_factory(name)
    with _client(app, "203.0.113.10") as attacker:
        answers = [attacker.signin(f"user{i}@example.org", "wrong-password").status_code for i in range(31)]
        assert answers[-1] == 429
        assert attacker.signin("bob@example.org", "password-bob-123").status_code == 429
