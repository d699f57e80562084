"""Media in an S3-compatible object store (``MAILLAGE_MEDIA_URL=s3://...``), against a real S3
server: moto's standalone server on loopback, reached over HTTP by boto3 as a council's object
store would be. The same contract is checked on the local folder backend."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from core import storage

boto3 = pytest.importorskip("boto3")
moto_server = pytest.importorskip("moto.server")

BUCKET = "maillage-media"


@pytest.fixture(scope="module")
def s3_endpoint():
    """An S3 server on 127.0.0.1 with an empty bucket; yields its endpoint URL."""
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    with pytest.MonkeyPatch.context() as env:
        for name, value in {"AWS_ACCESS_KEY_ID": "maillage", "AWS_SECRET_ACCESS_KEY": "maillage-secret",
                            "AWS_DEFAULT_REGION": "us-east-1"}.items():
            env.setenv(name, value)
        boto3.client("s3", endpoint_url=endpoint).create_bucket(Bucket=BUCKET)
        yield endpoint
    server.stop()


@pytest.fixture(params=["file", "s3"])
def store(request, tmp_path):
    if request.param == "file":
        return storage.from_url((tmp_path / "media").as_uri())
    endpoint = request.getfixturevalue("s3_endpoint")
    return storage.from_url(f"s3://{BUCKET}/site-a?endpoint_url={endpoint}&region=us-east-1")


def test_every_backend_keeps_the_same_contract(store):
    data = bytes(range(256)) * 1000
    key = store.save(data)
    assert store.exists(key) and store.size(key) == len(data)
    assert store.read(key) == data
    assert store.open(key).read() == data
    assert b"".join(store.iter_range(key, 1000, 1999)) == data[1000:2000]
    assert b"".join(store.iter_range(key, 255_000)) == data[255_000:]
    other = store.save(b"second file")
    assert other != key and store.read(other) == b"second file"
    store.delete(key)
    assert not store.exists(key)
    with pytest.raises(storage.StorageError):
        store.read(key)
    with pytest.raises(storage.StorageError):
        store.size(key)
    with pytest.raises(storage.StorageError):
        store.read("../../etc/passwd")


def test_the_prefix_keeps_two_installations_apart_in_one_bucket(s3_endpoint):
    a = storage.from_url(f"s3://{BUCKET}/site-a?endpoint_url={s3_endpoint}&region=us-east-1")
    b = storage.from_url(f"s3://{BUCKET}/site-b?endpoint_url={s3_endpoint}&region=us-east-1")
    key = a.save(b"only in a")
    assert a.exists(key) and not b.exists(key)
    listed = boto3.client("s3", endpoint_url=s3_endpoint).list_objects_v2(Bucket=BUCKET, Prefix="site-a/")
    assert [item["Key"] for item in listed["Contents"] if item["Key"].endswith(key)][0].startswith("site-a/")


def _documents_helpers():
    path = Path(__file__).resolve().parents[2] / "plugins" / "documents" / "helpers.py"
    spec = importlib.util.spec_from_file_location("documents_test_helpers", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.site(plugins=["documents"], language="en")
def test_a_document_uploaded_to_the_object_store_downloads_whole_and_by_range(app, signed_in, s3_endpoint):
    app.instance.media_url = f"s3://{BUCKET}/uploads?endpoint_url={s3_endpoint}&region=us-east-1"
    h = _documents_helpers()
    ada = signed_in("ada")
    content = b"minutes of the general assembly\n" * 400
    guid = h.guid_from(h.upload(ada, [("minutes.txt", content)], follow_redirects=False))
    whole = ada.get(f"/documents/{guid}/download")
    assert whole.status_code == 200 and whole.content == content
    part = ada.get(f"/documents/{guid}/download", headers={"Range": "bytes=0-99"})
    assert part.status_code == 206 and part.content == content[:100]
    stored = boto3.client("s3", endpoint_url=s3_endpoint).list_objects_v2(Bucket=BUCKET, Prefix="uploads/")
    assert stored["KeyCount"] >= 1  # the file is in the bucket, not in the data folder
    local = app.instance.home / "media"
    assert not local.exists() or not [p for p in local.rglob("*") if p.is_file()]
