"""The MDN HTTP Observatory's own scanner and grader on every kind of path nginx serves.

Its top grade, A+, starts at 100; each path here must score at least 125, which a
site reaches only with HTTPS and a redirect to it, HSTS, a strict Content-Security-
Policy with `default-src 'none'` and `frame-ancestors`, nosniff, a private
Referrer-Policy and Cross-Origin-Resource-Policy. The site is built for the address
it is scanned at (https://localhost:PORT), as it would be for its real one, and
served by deploy/nginx.conf with a certificate from a throwaway authority that
Node is told to trust (NODE_EXTRA_CA_CERTS).
"""

import json
import shutil
import subprocess

import pytest

from tests.support.build import run_build
from tests.support.nginx import HOST, free_port, require_nginx, running_nginx
from tests.support.pages import ROOT
from tests.support.tools import require_tool

pytestmark = pytest.mark.browser

SCANNER = ROOT / "tests" / "support" / "observatory.mjs"
PACKAGE = ROOT / "node_modules" / "@mdn" / "mdn-http-observatory" / "package.json"
LEAST_SCORE = 125


@pytest.fixture(scope="module")
def scores(tmp_path_factory):
    require_nginx()
    require_tool(shutil.which("node"), "Node.js is not installed")
    require_tool(PACKAGE.is_file(), "the MDN HTTP Observatory is not installed: run `npm ci`")
    tmp = tmp_path_factory.mktemp("observatory")
    ports = free_port(), free_port()
    run = run_build(
        output=tmp / "output", production=True, env={"SITEURL": f"https://{HOST}:{ports[1]}"}
    )
    assert run.code == 0, run.stderr
    output = run.output
    image = next((output / "images").rglob("*.png")).relative_to(output).as_posix()
    icon = next((output / "theme").glob("favicon.*.svg")).name
    paths = {
        "home page": "/",
        "article": "/back-massage-therapy/",
        "search page": "/search/",
        "search index": "/pagefind/pagefind.js",
        "image": f"/{image}",
        # The one stylesheet is inlined in every page: the theme's files are the favicon
        # and the search script.
        "theme file": f"/theme/{icon}",
        "feed": "/feeds/all.atom.xml",
        # What nginx sends for any missing path; the scanner refuses a 404 status.
        "404 page": "/404.html",
        "security.txt": "/.well-known/security.txt",
        "sitemap": "/sitemap.xml",
    }
    (tmp / "nginx").mkdir()
    with running_nginx(output, tmp / "nginx", ports) as nginx:
        scanned = subprocess.run(
            [
                "node",
                str(SCANNER),
                HOST,
                str(nginx.http_port),
                str(nginx.https_port),
                *paths.values(),
            ],
            cwd=ROOT,
            env={"PATH": "/usr/bin:/bin", "NODE_EXTRA_CA_CERTS": str(nginx.ca_file)},
            check=False,
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert scanned.returncode == 0, scanned.stderr
    results = [json.loads(line) for line in scanned.stdout.splitlines()]
    return dict(zip(paths, results, strict=True))


def test_every_kind_of_path_scores_at_least_125(scores, capsys):
    with capsys.disabled():
        print("\nMDN HTTP Observatory:")
        for kind, result in scores.items():
            print(
                f"  {result.get('score', '-'):>4} {result.get('grade', '-'):2} {kind} {result['path']}"
            )
    low = {
        kind: result
        for kind, result in scores.items()
        if "error" in result or result["score"] < LEAST_SCORE
    }
    assert low == {}
