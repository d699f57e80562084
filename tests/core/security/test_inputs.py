"""core.inputs: the typed parsers every endpoint uses (URL, coordinates, numbers, dates, text)."""

import datetime as dt

import pytest

from core import inputs


@pytest.mark.parametrize("value", ["javascript:alert(1)", "JavaScript:alert(1)", " javascript:alert(1)",
                                   "data:text/html,<script>x</script>", "vbscript:x", "//evil.example/x",
                                   "http://", "https:///x", "ftp://example.org/", "http://exa mple.org",
                                   "java\tscript:alert(1)", "java\x00script:alert(1)", "http:/example.org",
                                   "x" * 2001])
def test_url_refuses_what_is_not_an_http_address(value):
    with pytest.raises(inputs.InvalidInput):
        inputs.url(value)


@pytest.mark.parametrize("value", ["https://example.org", "http://example.org/a?b=c#d", "HTTPS://EXAMPLE.ORG/x"])
def test_url_accepts_http_addresses(value):
    assert inputs.url(value) == value


def test_mailto_and_tel_only_where_the_field_allows_them():
    with pytest.raises(inputs.InvalidInput):
        inputs.url("mailto:ada@example.org")
    assert inputs.url("mailto:ada@example.org", schemes=inputs.CONTACT_SCHEMES) == "mailto:ada@example.org"
    assert inputs.url("tel:+33322000000", schemes=inputs.CONTACT_SCHEMES) == "tel:+33322000000"
    with pytest.raises(inputs.InvalidInput):
        inputs.url("tel:javascript", schemes=inputs.CONTACT_SCHEMES)
    assert inputs.link_or_empty("javascript:alert(1)") == ""


@pytest.mark.parametrize("lat, lon", [("49.9", ""), ("", "2.3"), ("91", "2"), ("49", "181"), ("inf", "2"),
                                      ("nan", "2"), ("1e400", "2"), ("49", "-inf"), ("abc", "2")])
def test_coordinates_are_both_present_and_in_range(lat, lon):
    with pytest.raises(inputs.InvalidInput):
        inputs.coordinates(lat, lon)


def test_coordinates_accept_a_point_or_nothing():
    assert inputs.coordinates("49,89", " 2.29 ") == (49.89, 2.29)
    assert inputs.coordinates("", None) == (None, None)


@pytest.mark.parametrize("raw", ["99999999999999999999", str(2**63), "-" + str(2**63 + 1), "1.5", "½", "²",
                                 "1e3", "0x10", "ten"])
def test_integers_beyond_64_bits_or_not_integers_are_refused(raw):
    with pytest.raises(inputs.InvalidInput):
        inputs.integer(raw)


def test_integer_bounds_and_default():
    assert inputs.integer("", default=7) == 7
    assert inputs.integer(str(2**63 - 1)) == 2**63 - 1
    with pytest.raises(inputs.InvalidInput):
        inputs.integer("0", minimum=1)


@pytest.mark.parametrize("raw", ["9999-12-31", "0001-01-01", "2024-02-30", "2024-1-1", "20240101"])
def test_far_or_malformed_dates_are_refused(raw):
    with pytest.raises(inputs.InvalidInput):
        inputs.date(raw)


def test_month_and_date():
    assert inputs.month("2024-03") == dt.date(2024, 3, 1)
    assert inputs.date("2024-03-31") == dt.date(2024, 3, 31)
    with pytest.raises(inputs.InvalidInput):
        inputs.month("9999-12")


def test_control_characters_are_stripped_tab_and_newline_kept():
    assert inputs.clean_text("a\x00b\x07c\td\r\ne\x1bf\x7fg\x85") == "abc\td\nefg"


def test_email_and_postcode():
    assert inputs.email("ada@example.org") == "ada@example.org"
    for bad in ("not an address", "ada@", "<ada@example.org>", "a" * 250 + "@example.org"):
        with pytest.raises(inputs.InvalidInput):
            inputs.email(bad)
    assert inputs.postcode("80000") == "80000"
    with pytest.raises(inputs.InvalidInput):
        inputs.postcode("8" * 1000)
