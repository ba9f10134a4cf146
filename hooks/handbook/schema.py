"""JSON Schemas for editors, one per file kind, generated from the model the validator uses.

Editors' YAML extensions read them through the ``# yaml-language-server: $schema=...`` line at the
top of each data file; ``handbook schema`` writes them to ``schemas/`` and a test keeps them current.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Final

from pydantic.json_schema import GenerateJsonSchema

from handbook.durations import Duration
from handbook.model import (
    Exercise,
    Handbook,
    PeopleFile,
    Record,
    RisksFile,
    Scenario,
    Service,
    SitesFile,
    VendorsFile,
)

# schema file stem -> (model, where the files it describes live)
SCHEMAS: Final[dict[str, tuple[type[Record], str]]] = {
    "handbook": (Handbook, "handbook.yaml"),
    "people": (PeopleFile, "people.yaml"),
    "sites": (SitesFile, "sites.yaml"),
    "vendors": (VendorsFile, "vendors.yaml"),
    "risks": (RisksFile, "risks.yaml"),
    "service": (Service, "services/<id>.yaml"),
    "scenario": (Scenario, "scenarios/<id>.yaml"),
    "exercise": (Exercise, "exercises/<id>.yaml"),
}
SCHEMA_DIR: Final = "schemas"


class _Generator(GenerateJsonSchema):
    def encode_default(self, dft: Any) -> Any:
        # Defaults are shown as editors write them: 52w, not {"minutes": 524160}.
        if isinstance(dft, Duration):
            return str(dft)
        return super().encode_default(dft)


def schema_for(name: str) -> dict[str, Any]:
    model, where = SCHEMAS[name]
    schema = model.model_json_schema(schema_generator=_Generator)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://continuity-handbook.invalid/schemas/{name}.schema.json",
        "title": f"Continuity Handbook data: {where}",
        **{key: value for key, value in schema.items() if key != "title"},
    }


def render(name: str) -> str:
    return json.dumps(schema_for(name), indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def write_all(directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name in SCHEMAS:
        path = directory / f"{name}.schema.json"
        path.write_text(render(name), encoding="utf-8")
        written.append(path)
    return written
