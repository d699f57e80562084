"""What the agenda tests share: the event form, published through the real page."""

FORM = {"title": "", "description": "", "start_date": "", "start_time": "", "end_date": "", "end_time": "",
        "tz": "Europe/Paris", "repeat": "", "until": "", "count": "", "exdates": "", "place_name": "", "address": "",
        "commune": "", "postcode": "", "lat": "", "lon": "", "online_url": "", "capacity": "",
        "show_participants": "organiser", "access": "public", "container": ""}


def event_helpers(defaults: dict):
    """``form, create = event_helpers({"title": ..., ...})``: ``form(**fields)`` is the whole event form with
    a module's defaults, ``create(client, **fields)`` publishes it through /agenda/new and returns the
    event's guid."""

    def form(**fields) -> dict:
        return {**FORM, **defaults, **fields}

    def create(client, **fields) -> int:
        response = client.post_form("/agenda/new", form(**fields), follow_redirects=False)
        assert response.status_code == 303, response.text
        return int(response.headers["location"].rsplit("/", 1)[1])

    return form, create
