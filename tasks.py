"""Everyday commands: `invoke --list` shows them. Every build goes through sitekit.runner."""

import contextlib
import shlex
import shutil
import tempfile
from pathlib import Path

from invoke import Context, Exit, task

from sitekit import runner as site_build
from sitekit.devtools import browser, scaffold
from sitekit.runner.steps import headers
from sitekit.templating.inline_css import read_stylesheet

ROOT = Path(__file__).resolve().parent
CONFIG = {
    "output": ROOT / "output",
    "screenshots": ROOT / "screenshots",
    "screenshot_article": "back-massage-therapy",
    "nginx_config": ROOT / "deploy" / "nginx.conf",
    # `invoke publish --target rsync` sends output/ here unless --destination is given.
    "rsync_destination": "",
    "host": "127.0.0.1",
    "port": 8000,
    # What `invoke livereload` watches; a change to any of them rebuilds the site.
    "watch": ["content", "theme", "sitekit", "pelicanconf.py", "publishconf.py"],
}


PUBLISH_TARGETS = ("rsync", "github-pages")


def _build(production: bool = False, output: Path | None = None) -> int:
    """The one helper every task builds through."""
    args = ["--output", str(output or CONFIG["output"])]
    if production:
        args.append("--production")
    return site_build.main(args)


@task(help={"production": "build with publishconf.py (needs SITEURL)"})
def build(c: Context, production: bool = False) -> None:
    """Build the site into output/ (local settings, or production with --production)."""
    code = _build(production)
    if code:
        raise Exit(code=code)


@task(
    help={
        "title": "the title, in quotes",
        "page": "a page (content/pages/), not an article",
        "slug": "the name of the file and of the address (default: made from the title)",
    }
)
def new(c: Context, title: str, page: bool = False, slug: str = "") -> None:
    """Create content/articles/<slug>.md (or, with --page, content/pages/<slug>.md) as a draft."""
    settings, _ = site_build.load_settings(site_build.LOCAL_SETTINGS)
    try:
        create = scaffold.new_page if page else scaffold.new_article
        path = create(title, settings, slug=slug or None)
    except (FileExistsError, ValueError) as error:
        raise Exit(f"error: {error}", code=1) from None
    print(f"Created {path.relative_to(ROOT)}")


@task
def deploy_config(c: Context) -> None:
    """Write deploy/nginx.conf from the one header definition in sitekit/hosting/headers.py."""
    settings, options = site_build.load_settings(site_build.LOCAL_SETTINGS)
    config = headers.nginx_config(settings, read_stylesheet(settings, options))
    CONFIG["nginx_config"].write_text(config, "utf-8")
    print(CONFIG["nginx_config"].relative_to(ROOT))


@task(
    help={
        "target": "rsync or github-pages",
        "destination": "rsync only: user@host:/path (default: CONFIG['rsync_destination'])",
        "dry_run": "show what would be sent, send nothing",
    }
)
def publish(c: Context, target: str = "", destination: str = "", dry_run: bool = False) -> None:
    """Build for production (SITEURL from the environment) and publish with rsync or to GitHub Pages."""
    if not target:
        raise Exit("error: say where to publish: --target rsync or --target github-pages", code=2)
    if target not in PUBLISH_TARGETS:
        raise Exit(f"error: unknown target {target!r}; use rsync or github-pages", code=2)
    destination = destination or CONFIG["rsync_destination"]
    if target == "rsync" and not destination:
        raise Exit(
            "error: rsync needs --destination user@host:/path (or CONFIG['rsync_destination'])",
            code=2,
        )
    if target == "rsync" and not shutil.which("rsync"):
        raise Exit(
            "error: rsync is not installed; install it (Debian: apt-get install rsync)", code=2
        )
    with contextlib.ExitStack() as stack:
        output = CONFIG["output"]
        if dry_run:  # a production build of its own, in a folder that goes away: output/ stays
            folder = stack.enter_context(tempfile.TemporaryDirectory(prefix="publish-dry-run-"))
            output = Path(folder) / CONFIG["output"].name
        code = _build(production=True, output=output)
        if code:
            raise Exit(code=code)
        if target == "github-pages" and dry_run:  # ghp-import has no dry run of its own
            print("Dry run: would run", shlex.join(ghp_import_command(CONFIG["output"])))
        elif target == "github-pages":
            c.run(shlex.join(ghp_import_command(output)), echo=True)
        else:
            c.run(shlex.join(rsync_command(output, destination, dry_run)), echo=True)
        if dry_run:
            print(f"Dry run: nothing was sent, and {CONFIG['output'].name}/ was left as it was.")


def ghp_import_command(output: Path) -> list[str]:
    """ghp-import committing the contents of `output` to gh-pages and pushing it."""
    return [
        "ghp-import",
        "--no-jekyll",
        "--push",
        "--force",
        "--message",
        "Publish the site",
        str(output),
    ]


def rsync_command(output: Path, destination: str, dry_run: bool = False) -> list[str]:
    """rsync sending the contents of `output` to `destination`, which becomes the web root.

    rsync -p gives each file on the server the mode it has here, and the destination folder
    itself the mode of `output`: --chmod makes every folder 0755 and every file 0644 there,
    whatever the umask of the build, so that the web server's user can read the whole site.
    """
    return [
        "rsync",
        "-rlptvz",
        "--delete",
        "--chmod=D755,F644",
        *(["--dry-run"] if dry_run else []),
        f"{output}/",
        destination,
    ]


@task(
    help={
        "articles": "how many articles to generate (default 1000)",
        "json": "also write the results to this file",
        "runs": "rebuilds per scenario, of which the median is shown (default 3)",
        "workdir": "where the site and builds go (default: the system's temporary folder)",
        "ablations": "instead: what each cache and parallel step saves ('all' or names)",
    }
)
def bench(
    c: Context,
    articles: int = 1000,
    json: str = "",
    runs: int = 3,
    workdir: str = "",
    ablations: str = "",
) -> None:
    """Time cold, production, one-edit and no-change builds of N articles against Pelican's default theme."""
    from sitekit.devtools import bench as site_bench

    json_args = ["--json", json] if json else []
    json_args += ["--workdir", workdir] if workdir else []
    json_args += ["--ablations", ablations] if ablations else []
    code = site_bench.main(["--articles", str(articles), "--runs", str(runs), *json_args])
    if code:
        raise Exit(code=code)


@task(
    help={
        "articles": "2: the project's own site; more: that many generated articles (default 2)",
        "rounds": "how many saved edits to time (default 5)",
        "gap": "seconds between saves (default 2)",
    }
)
def bench_preview(c: Context, articles: int = 2, rounds: int = 5, gap: float = 2.0) -> None:
    """Time a saved edit to the page open in the live preview, against `hugo server` with PaperMod."""
    from sitekit.devtools import preview_bench

    code = preview_bench.main(
        ["--articles", str(articles), "--rounds", str(rounds), "--gap", str(gap)]
    )
    if code:
        raise Exit(code=code)


@task
def clean(c: Context) -> None:
    """Remove output/, Pelican's content cache and any leftover staging folders."""
    shutil.rmtree(CONFIG["output"], ignore_errors=True)
    # .output.cache (see sitekit.runner.cache_root) and .output.staging-*/.old-*
    for leftover in ROOT.glob(f".{CONFIG['output'].name}.*"):
        shutil.rmtree(leftover, ignore_errors=True)


@task(
    help={
        "external": "also fetch every link to another site (never done by a build)",
        "timeout": "seconds to wait for each external link (default 20)",
        "output": "the written site to check (default: output/)",
    }
)
def check_links(c: Context, external: bool = False, timeout: int = 20, output: str = "") -> None:
    """Check the links of the written site: internal ones, and with --external the others."""
    from sitekit.core.sources import markdown_files
    from sitekit.links import external as external_links
    from sitekit.links.publish import check_links as internal_links

    settings, _ = site_build.load_settings(site_build.LOCAL_SETTINGS)
    folder = Path(output) if output else CONFIG["output"]
    if not folder.is_dir():
        raise Exit(f"error: {folder}/ does not exist: run 'invoke build' first.", code=1)
    problems = internal_links(folder, settings.get("SITEURL", ""))
    for problem in problems:
        print(f"error: {problem}")
    code = 1 if problems else 0
    if external:
        sources = markdown_files(settings) + markdown_files(settings, "PAGE")
        cache = folder.parent / f".{folder.name}.links"  # `invoke clean` removes it
        code |= external_links.main(folder, settings.get("SITEURL", ""), sources, cache, timeout)
    if code:
        raise Exit(code=code)


@task
def review(c: Context) -> None:
    """List every article's last review, reviewer and next review date, overdue first."""
    from sitekit.devtools import review as site_review

    settings, _ = site_build.load_settings(site_build.LOCAL_SETTINGS)
    site_review.main(settings)


@task(help={"port": "the port to listen on (default 8000)"})
def serve(c: Context, port: int = CONFIG["port"]) -> None:
    """Serve output/ at http://127.0.0.1:8000 (build first)."""
    try:
        server = browser.make_server(CONFIG["output"], CONFIG["host"], int(port), quiet=False)
    except browser.PortBusyError as error:
        raise Exit(f"error: {error}", code=1) from None
    print(f"Serving {CONFIG['output'].name}/ at http://{CONFIG['host']}:{port}/ (Ctrl-C stops)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        server.server_close()


@task(help={"port": "the port to listen on (default 8000)"})
def livereload(c: Context, port: int = CONFIG["port"]) -> None:
    """Build, serve at http://127.0.0.1:8000, and rebuild and reload the browser on every change."""
    from sitekit.devtools.preview import Preview

    try:
        preview = Preview(
            CONFIG["output"], [ROOT / path for path in CONFIG["watch"]], CONFIG["host"], int(port)
        )
    except browser.PortBusyError as error:
        raise Exit(f"error: {error}", code=1) from None
    preview.start()
    print(f"Serving with live reload at {preview.url}/ (Ctrl-C stops)", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        preview.watch()


@task(help={"article": "the slug of the article to shoot"})
def screenshots(c: Context, article: str = CONFIG["screenshot_article"]) -> None:
    """Save PNGs of what a reader first sees of the home page, an article and the About page: on a
    375 by 667 phone and a 1280 by 800 screen, light and dark, in screenshots/."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise Exit(
            "error: screenshots need Playwright, which the test set-up installs: "
            ".venv/bin/pip install -e '.[test]'",
            code=1,
        ) from None
    if browser.chromium_path() is None:
        raise Exit("error: screenshots need Chromium (Debian: apt-get install chromium)", code=1)

    code = _build()
    if code:
        raise Exit(code=code)
    pages = {"home": "/", article: f"/{article}/", "about": "/about/"}
    CONFIG["screenshots"].mkdir(exist_ok=True)
    with browser.serving(CONFIG["output"]) as url, sync_playwright() as playwright:
        chromium = browser.launch(playwright)
        for width, height in ((375, 667), (1280, 800)):
            for scheme in ("light", "dark"):
                context = chromium.new_context(
                    viewport={"width": width, "height": height}, color_scheme=scheme
                )
                page = context.new_page()
                for name, path in pages.items():
                    page.goto(url + path)
                    target = CONFIG["screenshots"] / f"{name}-{width}-{scheme}.png"
                    page.screenshot(path=str(target))
                    print(target.relative_to(ROOT))
                context.close()
        chromium.close()
