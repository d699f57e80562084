"""The deployment files of deploy/ and the administrator guide's commands, checked for real:
``systemd-analyze verify`` on the units, ``nginx -t`` on the site, the env file loaded by the
shell exactly as docs/admin.md writes and loads it."""

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from core.testing import fresh_database_url, write_site

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
ADMIN = (ROOT / "docs" / "admin.md").read_text(encoding="utf-8")
VENV_BIN = Path(sys.executable).parent
TIMERS = {"digests": "send-digests", "purge": "purge", "publish": "publish-scheduled",
          "reminders": "agenda-reminders", "animation": "animation-aggregate"}


def test_every_timer_runs_an_existing_command_through_the_template_service():
    from core import cli

    commands = set(cli.build_parser()._subparsers._group_actions[0].choices)
    for name, command in TIMERS.items():
        timer = (DEPLOY / "systemd" / f"maillage-{name}.timer").read_text()
        assert f"Unit=maillage@{command}.service" in timer and "OnCalendar=" in timer
        assert command in commands
    service = (DEPLOY / "systemd" / "maillage.service").read_text()
    assert "EnvironmentFile=/etc/maillage.env" in service and "maillage run" in service
    worker = (DEPLOY / "systemd" / "maillage-worker.service").read_text()
    assert "bin/maillage worker" in worker and "worker" in commands


def test_systemd_units_pass_systemd_analyze_verify(tmp_path):
    if shutil.which("systemd-analyze") is None:
        pytest.skip("systemd-analyze is not installed (apt-get install systemd)")
    # The units name /srv/maillage/app; here the code and its virtualenv are elsewhere.
    for unit in (DEPLOY / "systemd").iterdir():
        text = unit.read_text().replace("/srv/maillage/app/.venv/bin", str(VENV_BIN))
        (tmp_path / unit.name).write_text(text.replace("/srv/maillage/app", str(ROOT)))
    units = sorted(str(p) for p in tmp_path.iterdir())
    done = subprocess.run(["systemd-analyze", "verify", "--man=no", *units], capture_output=True, text=True,
                          cwd=tmp_path, timeout=120)
    ours = [line for line in done.stderr.splitlines() if "maillage" in line]
    assert done.returncode == 0 and not ours, done.stderr


def test_nginx_site_passes_nginx_t_with_redirect_tls_and_no_direct_media(tmp_path):
    site = (DEPLOY / "nginx" / "maillage.conf").read_text()
    assert re.search(r"listen 80;.*?return 301 https://\$host\$request_uri;", site, re.S)
    assert "ssl_certificate " in site and "ssl_certificate_key " in site and "listen 443 ssl" in site
    assert re.search(r"client_max_body_size \d+m;", site)
    assert "media" not in re.sub(r"#.*", "", site) and "alias" not in site
    assert "proxy_set_header Host $host;" in site
    if shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists():
        pytest.skip("nginx is not installed (scripts/test.sh installs it: apt-get install nginx)")
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed: no certificate to test the TLS lines with")
    certs = tmp_path / "certs"
    certs.mkdir()
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=portail.example.org", "-keyout", str(certs / "privkey.pem"),
                    "-out", str(certs / "fullchain.pem")], check=True, capture_output=True, timeout=120)
    (tmp_path / "site.conf").write_text(site.replace("/etc/letsencrypt/live/portail.example.org", str(certs)))
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n    access_log off;\n    include {tmp_path}/site.conf;\n}}\n")
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    done = subprocess.run([nginx, "-t", "-c", str(tmp_path / "nginx.conf"), "-p", str(tmp_path)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "test is successful" in done.stderr, done.stderr


def _block_after(marker: str) -> str:
    start = ADMIN.index(marker)
    fence = ADMIN.index("```sh\n", start) + len("```sh\n")
    return ADMIN[fence:ADMIN.index("```", fence)]


def test_the_admin_guide_writes_an_env_file_without_inline_comments_and_its_commands_run(tmp_path):
    assert "xargs" not in ADMIN and "env $(cat" not in ADMIN
    block = _block_after("2. Configuration, in `/etc/maillage.env`")
    # Write the file as the guide does (the shell expands the secret), with this test's folders.
    write_site(tmp_path / "sites", "portail", hosts=("portail.example.org",))
    env_file = tmp_path / "maillage.env"
    url = fresh_database_url(tmp_path)
    script = "\n".join(line.strip() for line in block.strip().splitlines())
    script = (script.replace("sudo install -m 640 -o root -g maillage /dev/null /etc/maillage.env", "")
              .replace("sudo tee /etc/maillage.env", f"tee {env_file}")
              .replace("/srv/maillage/data", str(tmp_path / "data"))
              .replace("/srv/maillage/app/sites", str(tmp_path / "sites"))
              .replace("postgresql://maillage:PASSWORD@127.0.0.1/maillage", "URL_OF_THE_TEST"))
    subprocess.run(["bash", "-euc", script.replace("URL_OF_THE_TEST", url)], check=True, timeout=60, cwd=tmp_path)
    lines = env_file.read_text().splitlines()
    assert len(lines) == 5 and all(re.fullmatch(r"[A-Z_]+=[^\s#'\"]+", line) for line in lines), lines
    assert len(re.search(r"^MAILLAGE_SECRET=(\S+)$", env_file.read_text(), re.M).group(1)) >= 32
    # Step 3's commands, as written, but as this user, with this file and this virtualenv.
    commands = [line.strip() for line in _block_after("3. A site file per site").strip().splitlines()]
    assert len(commands) == 3
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("MAILLAGE_", "DATABASE_URL"))}
    for command in commands:
        assert command.startswith("sudo -u maillage bash -c 'set -a; . /etc/maillage.env; set +a; ")
        line = (command.removeprefix("sudo -u maillage ").replace("/etc/maillage.env", str(env_file))
                .replace(".venv/bin/maillage", str(VENV_BIN / "maillage")))
        done = subprocess.run(line, shell=True, executable="/bin/bash", capture_output=True, text=True,
                              timeout=300, cwd=ROOT, env=clean)
        assert done.returncode == 0, (command, done.stderr)
    from core.db import configure, database
    from core.models import Account

    configure(url)
    with database.connection_context():
        assert Account.get(Account.email == "you@example.org").role == "admin"

    # The Backups section's commands: a backup of this installation, restored into an empty one.
    section = ADMIN[ADMIN.index("## Backups"):ADMIN.index("## Upgrades")]
    commands = [line for line in section.splitlines() if line.startswith("sudo -u maillage bash -c")]
    assert [c.split(".venv/bin/maillage ")[1].split()[0].strip("'") for c in commands] == ["backup", "restore", "migrate"]
    backups = tmp_path / "backups"
    backups.mkdir()
    empty_env = tmp_path / "empty.env"
    empty_url = fresh_database_url(tmp_path / "restored") if url.startswith("postgres") \
        else f"sqlite:///{tmp_path / 'restored' / 'maillage.db'}"
    empty_env.write_text(env_file.read_text().replace(str(tmp_path / "data"), str(tmp_path / "restored"))
                         .replace(url, empty_url))

    def run_as_written(command, env_path):
        line = (command.removeprefix("sudo -u maillage ").replace("/etc/maillage.env", str(env_path))
                .replace(".venv/bin/maillage", str(VENV_BIN / "maillage"))
                .replace("/srv/maillage/backups", str(backups)))
        done = subprocess.run(line, shell=True, executable="/bin/bash", capture_output=True, text=True,
                              timeout=300, cwd=ROOT, env=clean)
        assert done.returncode == 0, (command, done.stderr)

    run_as_written(commands[0], env_file)
    archive = next(backups.iterdir())
    run_as_written(commands[1].replace(re.search(r"maillage-[\d-]+\.tar\.gz", commands[1]).group(0), archive.name),
                   empty_env)
    run_as_written(commands[2], empty_env)
    configure(empty_url)
    with database.connection_context():
        assert Account.get(Account.email == "you@example.org").role == "admin"


def test_nginx_site_redirects_to_https_and_proxies_to_maillage(tmp_path):
    """The site file served by a real nginx (ports moved to free ones) in front of `maillage run`."""
    import http.client
    import ssl

    from core.testing import ServerProcess, free_port

    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if nginx is None or shutil.which("openssl") is None:
        pytest.skip("nginx or openssl is not installed (scripts/test.sh installs nginx)")
    write_site(tmp_path / "sites", "portail", hosts=("portail.example.org",))
    app = ServerProcess({"MAILLAGE_HOME": str(tmp_path / "var"), "MAILLAGE_SITES": str(tmp_path / "sites"),
                         "DATABASE_URL": fresh_database_url(tmp_path), "MAILLAGE_SECRET": "s" * 40},
                        host="portail.example.org").start()
    certs = tmp_path / "certs"
    certs.mkdir()
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=portail.example.org", "-keyout", str(certs / "privkey.pem"),
                    "-out", str(certs / "fullchain.pem")], check=True, capture_output=True, timeout=120)
    http_port, https_port = free_port(), free_port()
    site = ((DEPLOY / "nginx" / "maillage.conf").read_text()
            .replace("/etc/letsencrypt/live/portail.example.org", str(certs))
            .replace("listen 80;", f"listen 127.0.0.1:{http_port};").replace("listen [::]:80;", "")
            .replace("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;")
            .replace("listen [::]:443 ssl http2;", "").replace("127.0.0.1:8000", f"127.0.0.1:{app.port}"))
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\ndaemon off;\nevents {{}}\n"
        f"http {{\n    access_log off;\n    client_body_temp_path {tmp_path}/body;\n"
        f"    proxy_temp_path {tmp_path}/proxy;\n    include {tmp_path}/site.conf;\n}}\n")
    proxy = subprocess.Popen([nginx, "-c", str(tmp_path / "nginx.conf"), "-p", str(tmp_path)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        def get(conn, path):
            for _ in range(100):  # nginx takes a moment to listen
                try:
                    conn.request("GET", path, headers={"Host": "portail.example.org"})
                    response = conn.getresponse()
                    return response.status, response.headers, response.read()
                except ConnectionRefusedError:
                    conn.close()
                    if proxy.poll() is not None:
                        pytest.fail(proxy.stderr.read())
                    time.sleep(0.1)
            pytest.fail("nginx does not answer")

        status, headers, _ = get(http.client.HTTPConnection("127.0.0.1", http_port, timeout=30), "/agenda?x=1")
        assert status == 301 and headers["location"] == "https://portail.example.org/agenda?x=1"
        unverified = ssl._create_unverified_context()
        tls = http.client.HTTPSConnection("127.0.0.1", https_port, timeout=30, context=unverified)
        status, headers, body = get(tls, "/healthz")
        assert status == 200 and json.loads(body)["status"] == "ok"
        assert "max-age=" in headers["strict-transport-security"]
        tls = http.client.HTTPSConnection("127.0.0.1", https_port, timeout=30, context=unverified)
        status, _headers, body = get(tls, "/")
        assert status == 200 and b"Test site" in body  # routed to the site by its Host header
        tls = http.client.HTTPSConnection("127.0.0.1", https_port, timeout=30, context=unverified)
        assert get(tls, "/metrics")[0] == 404
    finally:
        proxy.terminate()
        proxy.wait(30)
        app.stop()
