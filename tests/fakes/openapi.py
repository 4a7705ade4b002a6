"""Match requests to GitHub's OpenAPI operations (trimmed copy) and check what they carry."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import jsonschema

SPEC_FILE = Path(__file__).resolve().parent.parent / "fixtures" / "github" / "openapi.json"
PARAM = re.compile(r"\{([^}]+)\}")


class SpecViolation(Exception):
    """A request that GitHub's API description does not allow."""


@dataclass(frozen=True)
class Operation:
    operation_id: str
    method: str
    path: str
    pattern: re.Pattern[str]
    parameters: list[dict[str, Any]]
    body: dict[str, Any] | None


def _pattern(path: str, parameters: list[dict[str, Any]]) -> re.Pattern[str]:
    multi = {p["name"] for p in parameters if p.get("x-multi-segment")}

    def group(match: re.Match[str]) -> str:
        name = match.group(1)
        return f"(?P<{name}>.+)" if name in multi else f"(?P<{name}>[^/]+)"

    return re.compile("^" + PARAM.sub(group, path) + "$")


def _type_ok(value: str, schema: dict[str, Any]) -> bool:
    kind = schema.get("type")
    if kind == "integer" and not value.isdigit():
        return False
    if "enum" in schema and value not in schema["enum"]:
        return False
    return not (kind == "boolean" and value not in ("true", "false"))


class OpenAPI:
    """The operations of the trimmed spec, with request checks."""

    def __init__(self, spec_file: Path = SPEC_FILE) -> None:
        data = json.loads(spec_file.read_text())
        self.operations = [
            Operation(
                operation_id=op["operationId"], method=op["method"], path=op["path"],
                pattern=_pattern(op["path"], op["parameters"]), parameters=op["parameters"],
                body=op["requestBody"],
            )
            for op in data["operations"]
        ]

    def match(self, method: str, raw_path: str) -> tuple[Operation, dict[str, str]]:
        """The operation for a request line, and its path parameters (decoded)."""
        for op in self.operations:
            if op.method != method:
                continue
            found = op.pattern.match(raw_path)
            if found:
                params = {k: unquote(v) for k, v in found.groupdict().items()}
                for spec in op.parameters:
                    if spec["in"] == "path" and not _type_ok(params[spec["name"]], spec["schema"]):
                        name = spec["name"]
                        raise SpecViolation(f"{method} {raw_path}: bad path parameter {name}")
                return op, params
        raise SpecViolation(f"{method} {raw_path} is not an operation of GitHub's REST API")

    def check(self, op: Operation, query: dict[str, str], body: bytes) -> Any:
        """Check the query and the JSON body against the operation; return the parsed body."""
        declared = {p["name"]: p for p in op.parameters if p["in"] == "query"}
        for name, value in query.items():
            if name not in declared:
                raise SpecViolation(f"{op.operation_id}: unknown query parameter {name!r}")
            if not _type_ok(value, declared[name].get("schema", {})):
                raise SpecViolation(f"{op.operation_id}: bad value {value!r} for {name!r}")
        for name, spec in declared.items():
            if spec.get("required") and name not in query:
                raise SpecViolation(f"{op.operation_id}: missing query parameter {name!r}")
        if not body.strip():
            if op.body is not None and op.body["required"]:
                raise SpecViolation(f"{op.operation_id}: the request body is required")
            return None
        if op.body is None:
            raise SpecViolation(f"{op.operation_id} takes no request body")
        try:
            data = json.loads(body)
        except ValueError as exc:
            raise SpecViolation(f"{op.operation_id}: body is not JSON: {exc}") from None
        validator = jsonschema.Draft7Validator(
            op.body["schema"], format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER
        )
        errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
        if errors:
            where = "/".join(str(p) for p in errors[0].absolute_path) or "(body)"
            raise SpecViolation(f"{op.operation_id}: {where}: {errors[0].message}")
        return data
