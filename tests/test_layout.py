"""The import rules that keep sitekit's layout true (docs/architecture.md):

- ``sitekit.core`` is what every feature shares, and imports no feature and not the runner;
- each feature (one folder: its source checks, its Pelican plugin, its publishing step)
  imports the core and itself, never another feature or the runner;
- the runner imports the core and the features, and lists the steps in order;
- nothing in the build imports the developer tools.

Read from the source as text (ast), so a module that is never imported is checked too.
"""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "sitekit"
CORE, RUNNER, DEVTOOLS = "core", "runner", "devtools"
FEATURES = sorted(
    p.name
    for p in PACKAGE.iterdir()
    if (p / "__init__.py").is_file() and p.name not in (CORE, RUNNER, DEVTOOLS)
)


def sitekit_imports(path: Path) -> set[str]:
    """The sitekit folders a module imports from (the part after `sitekit.`)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module] if node.level == 0 else []
            if node.module == "sitekit":
                names = [f"sitekit.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        found |= {n.split(".")[1] for n in names if n.startswith("sitekit.")}
    return found


def allowed(folder: str) -> set[str]:
    if folder == CORE:
        return {CORE}
    if folder == RUNNER:
        return {CORE, RUNNER, *FEATURES}
    if folder == DEVTOOLS:
        return {CORE, RUNNER, DEVTOOLS, *FEATURES}
    return {CORE, folder}


MODULES = sorted(p for p in PACKAGE.rglob("*.py") if p.parent != PACKAGE)


def test_the_layout_has_a_core_a_runner_and_features():
    assert {"images", "search", "links", "people"} <= set(FEATURES)
    # Nothing loose at the top of the package but its own __init__.
    assert [p.name for p in PACKAGE.glob("*.py")] == ["__init__.py"]
    assert sitekit_imports(PACKAGE / "__init__.py") == set()


@pytest.mark.parametrize("module", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_each_module_imports_only_what_its_folder_may(module):
    folder = module.relative_to(PACKAGE).parts[0]
    wrong = sitekit_imports(module) - allowed(folder)
    assert not wrong, (
        f"sitekit/{module.relative_to(PACKAGE)} imports sitekit.{', sitekit.'.join(sorted(wrong))}: "
        f"a module of sitekit/{folder}/ may import only "
        f"{', '.join('sitekit.' + f for f in sorted(allowed(folder)))}"
    )


def test_the_rule_catches_an_import_of_another_feature(tmp_path):
    module = tmp_path / "plugin.py"
    module.write_text("from sitekit.links.publish import read_html\nimport sitekit.core.state\n")
    assert sitekit_imports(module) - allowed("images") == {"links"}
    module.write_text("from sitekit import runner\n")
    assert sitekit_imports(module) - allowed(CORE) == {"runner"}
