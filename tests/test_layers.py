"""The house's layout, read from the dbt manifest: layers flow one way and every model has its
own properties file beside it (CONTRIBUTING.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from dbt_helpers import run_dbt

# A model may read only its own layer or the ones before it.
LAYER_ORDER = {"seed": 0, "source": 0, "staging": 1, "run_context": 1, "intermediate": 2}
LAYER_ORDER |= {"marts": 3, "semantic": 4}


@pytest.fixture(scope="module")
def manifest(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    work = tmp_path_factory.mktemp("layers")
    run_dbt(["parse"], work / "w.duckdb", artifacts=True)
    return json.loads((work / "target" / "manifest.json").read_text(encoding="utf-8"))


def layer(node: dict[str, Any]) -> str:
    if node["resource_type"] in ("seed", "source"):
        return node["resource_type"]
    return Path(node["original_file_path"]).parts[1]  # models/<layer>/...


def models(manifest: dict[str, Any]) -> list[dict[str, Any]]:
    return [node for node in manifest["nodes"].values() if node["resource_type"] == "model"]


def test_every_model_sits_in_a_known_layer(manifest: dict[str, Any]) -> None:
    unknown = [node["name"] for node in models(manifest) if layer(node) not in LAYER_ORDER]
    assert unknown == []


def test_no_model_reads_a_later_layer(manifest: dict[str, Any]) -> None:
    nodes = {**manifest["nodes"], **manifest["sources"]}
    backwards = [
        f"{node['name']} ({layer(node)}) reads {nodes[parent]['name']} ({layer(nodes[parent])})"
        for node in models(manifest)
        for parent in node["depends_on"]["nodes"]
        if parent in nodes and LAYER_ORDER[layer(nodes[parent])] > LAYER_ORDER[layer(node)]
    ]
    assert backwards == []


def test_every_model_has_its_own_properties_file_beside_it(manifest: dict[str, Any]) -> None:
    misplaced = []
    for node in models(manifest):
        expected = Path(node["original_file_path"]).with_suffix(".yml")
        patch = (node.get("patch_path") or "").split("://", 1)[-1]
        if Path(patch) != expected:
            misplaced.append(f"{node['name']}: {patch or 'no properties file'}")
    assert misplaced == []
