"""schema.org's vocabulary, read from npm's schema-dts (Google's TypeScript typings, generated
from schema.org's own release), for checking the JSON-LD blocks of the built pages.

schema-dts writes each type ``X`` as ``interface XLeaf extends XBase { "@type": "X"; }``
(an enumeration's leaf may extend another base) and each base as
``interface XBase extends YBase, ZBase { "property"?: ...; }``; a type's properties are
those of its base and every base that base extends. Nothing here is written by hand.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from tests.support.pages import ROOT

TYPINGS = ROOT / "node_modules" / "schema-dts" / "dist" / "schema.d.ts"
_INTERFACE = re.compile(r"^(?:export )?interface (\w+) extends ([^{]+)\{(.*?)^\}", re.M | re.S)
_PROPERTY = re.compile(r'^\s+"([@\w]+)"\??:', re.M)
_LEAF_TYPE = re.compile(r'"@type": "(\w+)";')


@dataclass(frozen=True)
class Vocabulary:
    # type name -> its properties (with those of every type it comes from)
    types: dict[str, frozenset[str]]


@cache
def vocabulary(path: Path = TYPINGS) -> Vocabulary:
    text = path.read_text("utf-8")
    bases: dict[str, list[str]] = {}
    own: dict[str, set[str]] = {}
    leaves: dict[str, str] = {}
    for name, extends, body in _INTERFACE.findall(text):
        parents = re.findall(r"\w+", re.sub(r"Partial<(\w+)>", r"\1", extends))
        bases[name] = parents
        own[name] = set(_PROPERTY.findall(body)) - {"@type"}
        if name.endswith("Leaf") and (found := _LEAF_TYPE.search(body)):
            leaves[found.group(1)] = name

    @cache
    def properties(interface: str) -> frozenset[str]:
        found = set(own.get(interface, ()))
        for parent in bases.get(interface, ()):
            found |= properties(parent)
        return frozenset(found)

    return Vocabulary({kind: properties(leaf) for kind, leaf in leaves.items()})


def problems(block: object, where: str = "") -> list[str]:
    """Every @type that schema.org lacks, and every property its type lacks, in a JSON-LD
    block (a dict, or a list of them), at any depth."""
    known = vocabulary().types
    found: list[str] = []
    if isinstance(block, list):
        for index, item in enumerate(block):
            found += problems(item, f"{where}[{index}]")
        return found
    if not isinstance(block, dict):
        return found
    kinds = block.get("@type")
    kinds = [kinds] if isinstance(kinds, str) else kinds or []
    for kind in kinds:
        if kind not in known:
            found.append(f"{where}: no schema.org type {kind}")
    for key, value in block.items():
        if key in ("@context", "@type", "@id"):
            continue
        if kinds and not any(key in known.get(kind, ()) for kind in kinds):
            found.append(f"{where}: {'/'.join(kinds)} has no property {key}")
        found += problems(value, f"{where}.{key}")
    return found
