from core import gazetteer


def test_lookup_by_postcode_and_name():
    amiens = gazetteer.lookup("80000")
    assert amiens and amiens[0].name == "Amiens" and amiens[0].department == "80"
    assert gazetteer.lookup("saint quentin")[0].postcode == "02100"
    assert gazetteer.lookup("ST-QUENTIN")[0].name == "Saint-Quentin"
    assert gazetteer.lookup("compiegne")[0].name == "Compiègne"
    assert all(p.postcode.startswith("60") for p in gazetteer.lookup("60", limit=50))
    assert len(gazetteer.lookup("60", limit=3)) == 3
    assert gazetteer.lookup("") == [] and gazetteer.lookup("zzzzqq") == []


def test_distance_nearest_and_bbox():
    amiens = gazetteer.lookup("Amiens")[0]
    beauvais = gazetteer.lookup("Beauvais")[0]
    d = gazetteer.distance_km(amiens.lat, amiens.lon, beauvais.lat, beauvais.lon)
    assert 50 < d < 56  # about 52 km as the crow flies
    assert gazetteer.distance_km(1, 2, 1, 2) == 0
    assert gazetteer.nearest(49.85, 3.29).name == "Saint-Quentin"
    min_lat, min_lon, max_lat, max_lon = gazetteer.bbox_around(49.9, 2.3, 10)
    assert min_lat < 49.9 < max_lat and min_lon < 2.3 < max_lon
    assert gazetteer.distance_km(49.9, 2.3, max_lat, 2.3) == __import__("pytest").approx(10, rel=1e-3)
    assert gazetteer.distance_km(49.9, 2.3, 49.9, max_lon) >= 9.99


def test_site_can_replace_the_data(tmp_path, monkeypatch):
    import gzip

    with gzip.open(tmp_path / "communes.csv.gz", "wt", encoding="utf-8") as fh:
        fh.write("name,postcode,insee,department,lat,lon\nLille,59000,59350,59,50.6292,3.0573\n")
    monkeypatch.setenv("MAILLAGE_HOME", str(tmp_path))
    assert [p.name for p in gazetteer.lookup("59000")] == ["Lille"]


def test_the_bundled_gazetteer_covers_all_of_france():
    assert len(gazetteer.places()) > 35_000
    assert [p.name for p in gazetteer.lookup("13001")] == ["Marseille", "Marseille 1er Arrondissement"]
    assert gazetteer.lookup("Quimper")[0].department == "29"
    assert gazetteer.lookup("Ajaccio")[0].department == "2A"


def test_homonyms_most_populated_first_and_postcode_decides():
    assert [p.department for p in gazetteer.lookup("Péronne")[:2]] == ["80", "71"]
    assert gazetteer.lookup("Péronne 71260")[0].department == "71"
    lille = [p for p in gazetteer.lookup("Lille") if p.name == "Lille"]
    assert len(lille) == 1  # one line per commune, not per postal code
    assert gazetteer.nearest(43.30, 5.37).name.startswith("Marseille")


def test_only_a_postal_code_or_its_start_reads_as_one():
    """Two to five digits standing alone are a postal code (or its start); a digit in other text is part of
    the name, and text naming no commune finds none (it found Troyes for "<script>alert(1)</script>")."""
    assert gazetteer.lookup("<script>alert(1)</script>") == []
    assert gazetteer.lookup("800001") == []  # no postal code has six digits
    assert gazetteer.lookup("Marseille 1er")[0].name == "Marseille 1er Arrondissement"
    assert gazetteer.lookup("amiens 80090")[0].postcode == "80090"
    assert gazetteer.lookup("80000 Amiens")[0].name == "Amiens"
    assert all(p.postcode.startswith("02") for p in gazetteer.lookup("02", limit=20))
