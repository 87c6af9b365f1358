"""Extract the facts batchzoom uses from Zoom's published OpenAPI descriptions.

Zoom publishes the Meetings and Users APIs as large OpenAPI 3.0 documents
(several MB, mostly prose). batchzoom needs only the operations it calls: their
method and path, parameters, request and response schemas, rate-limit label and
documented error codes and the OAuth scopes that allow it. This script keeps exactly those, drops descriptions and
examples, and writes ``batchzoom/zoomspec/operations.json``.

Usage::

    python scripts/extract_zoom_spec.py PATH/TO/Meetings.json PATH/TO/Users.json

The two files are Zoom's OpenAPI descriptions; where to get them is in
docs/zoom-facts.md.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from pathlib import Path
from typing import Any, get_args

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from batchzoom.zoomspec import OperationId

# The operations batchzoom uses: the one list is zoomspec's ``OperationId``.
OPERATIONS = get_args(OperationId)

# Schema keywords that carry facts; everything else (description, example...) is prose.
KEEP = {
    "type",
    "format",
    "enum",
    "default",
    "required",
    "properties",
    "items",
    "maxLength",
    "minLength",
    "maximum",
    "minimum",
    "exclusiveMaximum",
    "exclusiveMinimum",
    "maxItems",
    "minItems",
    "pattern",
    "nullable",
    "oneOf",
    "anyOf",
    "allOf",
    "additionalProperties",
    "readOnly",
    "writeOnly",
    "deprecated",
    "uniqueItems",
}

LABEL = re.compile(r"Rate Limit Label[^`]*`([A-Za-z-]+)`")
ERROR = re.compile(r"\*\*Error Code:\*\*\s*`(\d+)`\s*<br>\s*(.*?)\s*<br>", re.S)


def strip(schema: Any) -> Any:
    """Return ``schema`` with only fact-bearing keywords, recursively."""
    if isinstance(schema, list):
        return [strip(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key not in KEEP:
            continue
        if key == "properties":
            out[key] = {name: strip(sub) for name, sub in value.items()}
        elif key in {"items", "additionalProperties"} and isinstance(value, dict):
            out[key] = strip(value)
        elif key in {"oneOf", "anyOf", "allOf"}:
            out[key] = [strip(sub) for sub in value]
        else:
            out[key] = value
    return out


def extract(documents: list[dict[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for doc in documents:
        for path, item in doc["paths"].items():
            for method, op in item.items():
                if not isinstance(op, dict) or op.get("operationId") not in OPERATIONS:
                    continue
                label = LABEL.search(op.get("description", ""))
                responses: dict[str, Any] = {}
                for status, resp in op.get("responses", {}).items():
                    schema = resp.get("content", {}).get("application/json", {}).get("schema")
                    errors = [
                        {"code": int(code), "message": " ".join(msg.split())}
                        for code, msg in ERROR.findall(resp.get("description", ""))
                    ]
                    entry: dict[str, Any] = {}
                    if schema is not None:
                        entry["schema"] = strip(schema)
                    if errors:
                        entry["errors"] = errors
                    responses[status] = entry
                body = op.get("requestBody", {}).get("content", {}).get("application/json", {})
                found[op["operationId"]] = {
                    "method": method.upper(),
                    "path": path,
                    "rate_limit_label": label.group(1).upper() if label else None,
                    # Any one of these OAuth scopes lets an app call the operation.
                    "scopes": sorted(
                        {
                            scope
                            for requirement in op.get("security", [])
                            for scope in requirement.get("openapi_oauth", [])
                        }
                    ),
                    "parameters": [
                        {
                            "name": p["name"],
                            "in": p["in"],
                            "required": bool(p.get("required", False)),
                            "schema": strip(p.get("schema", {})),
                        }
                        for p in op.get("parameters", [])
                    ],
                    "request": strip(body["schema"]) if "schema" in body else None,
                    "responses": responses,
                }
    missing = sorted(set(OPERATIONS) - set(found))
    if missing:
        raise SystemExit(f"operations not found in the given documents: {', '.join(missing)}")
    return {name: found[name] for name in OPERATIONS}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("documents", nargs="+", type=Path, help="Zoom OpenAPI JSON files")
    parser.add_argument(
        "--out",
        type=Path,
        default=Path(__file__).resolve().parent.parent
        / "batchzoom"
        / "zoomspec"
        / "operations.json",
    )
    args = parser.parse_args(argv)
    raw = [path.read_bytes() for path in args.documents]
    spec = extract([json.loads(data) for data in raw])
    spec = {
        "_source": {
            path.name: hashlib.sha256(data).hexdigest()
            for path, data in zip(args.documents, raw, strict=True)
        },
        **spec,
    }
    args.out.write_text(
        json.dumps(spec, indent=1, sort_keys=False, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    print(
        f"wrote {args.out} ({args.out.stat().st_size} bytes, {len(spec) - 1} operations)",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
