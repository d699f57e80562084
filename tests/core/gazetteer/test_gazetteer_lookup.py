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
