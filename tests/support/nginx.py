"""Debian's nginx serving a built site with deploy/nginx.conf, on loopback, over HTTPS with a
certificate for `localhost` from a throwaway certificate authority (trustme)."""

from __future__ import annotations

import os
import re
import shutil
import socket
import ssl
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.pages import ROOT
from tests.support.tools import require_tool

# Debian's libnginx-mod-http-brotli-static, which brotli_static in our config needs.
BROTLI_MODULE = "/usr/lib/nginx/modules/ngx_http_brotli_static_module.so"
HOST = "localhost"

MAIN_CONFIG = """\
daemon off;
worker_processes 1;
user {user};
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
load_module {brotli_module};
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
{servers}
}}
"""


@dataclass
class Nginx:
    http: str  # http://localhost:PORT, which only redirects
    https: str  # https://localhost:PORT, the site
    http_port: int
    https_port: int
    ca_file: Path  # the certificate authority that signed the site's certificate
    ssl_context: ssl.SSLContext  # trusts it


def require_nginx() -> None:
    require_tool(shutil.which("nginx"), "Debian's nginx is not installed")
    require_tool(
        os.path.exists(BROTLI_MODULE), "Debian's libnginx-mod-http-brotli-static is not installed"
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def our_servers(root: Path, http_port: int, https_port: int, cert: Path, key: Path) -> str:
    """deploy/nginx.conf as committed, pointed at this build (its pages and its map of
    redirects), these ports (IPv4 loopback only) and this certificate. Its redirect names
    the HTTPS port, as 443 needs none."""
    config = (ROOT / "deploy" / "nginx.conf").read_text()
    config = re.sub(r"(?m)^    listen \[::\].*\n", "", config)
    config = re.sub(r"(?m)^    listen 80;$", f"    listen 127.0.0.1:{http_port};", config)
    config = re.sub(
        r"(?m)^    listen 443 (.*);$", rf"    listen 127.0.0.1:{https_port} \1;", config
    )
    config = config.replace("https://$host$request_uri", f"https://$host:{https_port}$request_uri")
    config = re.sub(r"(?m)^    root .*;$", f"    root {root};", config)
    # The map of moved and gone addresses, which every production build writes beside its pages.
    config = re.sub(
        r"(?m)^    include .*/(_redirects\.nginx);$", rf"    include {root}/\1;", config
    )
    config = re.sub(r"(?m)^    ssl_certificate .*;$", f"    ssl_certificate {cert};", config)
    return re.sub(r"(?m)^    ssl_certificate_key .*;$", f"    ssl_certificate_key {key};", config)


@contextmanager
def running_nginx(root: Path, tmp: Path, ports: tuple[int, int] | None = None) -> Iterator[Nginx]:
    """nginx in the foreground, as this user, serving `root` on `ports` (HTTP, HTTPS; free
    ones by default); stopped after the block."""
    require_nginx()
    trustme = pytest.importorskip("trustme")
    authority = trustme.CA()
    certificate = authority.issue_cert(HOST)
    ca_file, cert, key = tmp / "ca.pem", tmp / "cert.pem", tmp / "key.pem"
    authority.cert_pem.write_to_path(str(ca_file))
    certificate.private_key_pem.write_to_path(str(key))
    for blob in certificate.cert_chain_pems:
        blob.write_to_path(str(cert), append=True)
    http_port, https_port = ports or (free_port(), free_port())
    (tmp / "nginx.conf").write_text(
        MAIN_CONFIG.format(
            tmp=tmp,
            # pytest's temporary folders are private to their owner: workers must run as us.
            user="root" if os.geteuid() == 0 else os.getlogin(),
            brotli_module=BROTLI_MODULE,
            servers=our_servers(root, http_port, https_port, cert, key),
        )
    )
    command = ["nginx", "-p", str(tmp), "-c", str(tmp / "nginx.conf")]
    check = subprocess.run([*command, "-t"], check=False, capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    process = subprocess.Popen(command, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 10
        while not all(listening(port) for port in (http_port, https_port)):
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                pytest.fail(f"nginx did not start: {process.stderr.read().decode()}")
            time.sleep(0.05)
        yield Nginx(
            http=f"http://{HOST}:{http_port}",
            https=f"https://{HOST}:{https_port}",
            http_port=http_port,
            https_port=https_port,
            ca_file=ca_file,
            ssl_context=ssl.create_default_context(cafile=str(ca_file)),
        )
    finally:
        process.terminate()
        process.wait(timeout=10)


def listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
    except OSError:
        return False
    return True
