#!/usr/bin/env python3
"""Validate the YAML front matter of goalsync goal files against a JSON Schema.

    python3 scripts/pyvalidate.py [--schema schema/goal.schema.json] [--json] PATH...

A PATH may be a file or a directory (then every *.md under it, recursively).
Prints one line per error, `FILE: FIELD: message`, where FIELD is the top-level
front-matter key the error is about; with --json prints one object
{"files": N, "errors": [{"file": ..., "field": ..., "message": ...}]}.
Exit status: 0 all files valid, 1 some file invalid, 2 unreadable input or usage.

This is the reference (baseline) implementation of the schema check: it parses
every file with PyYAML's C parser and validates it with jsonschema's
Draft202012Validator. Semantic rules the schema cannot state (id equals file
name, one active goal, metric direction vs numbers, ...) are not checked here.

YAML reading follows what goalsync (Yams) does: YAML 1.1 scalars, except that
dates are kept as their text (`2026-01-05` stays a string), floats with an
exponent and no dot (`1e3`) are numbers as in Yams, and mapping keys are the
key's text (so `on:` is the key "on", not the boolean true).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys

import jsonschema
import yaml
from yaml.nodes import MappingNode, ScalarNode

DEFAULT_SCHEMA = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "schema", "goal.schema.json")

ROOT_FIELD = "(root)"  # field name for errors about the front matter as a whole


# --------------------------------------------------------------------------- YAML


class GoalLoader(yaml.CSafeLoader):
    """CSafeLoader without the timestamp resolver, with Yams' exponent floats, and text keys."""


GoalLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.CSafeLoader.yaml_implicit_resolvers.items()
}
# Yams reads `1e3` / `1.5e3` as floats; PyYAML's YAML 1.1 float needs a dot and a signed exponent.
# Appended after the built-in resolvers, so it only sees scalars nothing else matched.
GoalLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?[0-9][0-9_]*(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"),
    list("-+0123456789"),
)


def _construct_mapping(loader: GoalLoader, node: MappingNode, deep: bool = False) -> dict:
    # A scalar key is kept as its text: goalsync's mappings have string keys, and the schema's
    # `closed.on` / `checkins[].on` must not turn into the YAML 1.1 boolean `True`.
    loader.flatten_mapping(node)  # `<<` merge keys, as SafeConstructor does
    mapping = {}
    for key_node, value_node in node.value:
        if isinstance(key_node, ScalarNode):
            key = key_node.value
        else:
            key = loader.construct_object(key_node, deep=True)
            try:
                hash(key)
            except TypeError:
                key = yaml.safe_dump(key, default_flow_style=True).strip()
        mapping[key] = loader.construct_object(value_node, deep=deep)
    return mapping


def _construct_yaml_map(loader: GoalLoader, node: MappingNode):
    data: dict = {}
    yield data
    data.update(_construct_mapping(loader, node))


GoalLoader.add_constructor("tag:yaml.org,2002:map", _construct_yaml_map)


# A line `---`, the front matter, a line `---` (end of line or end of file).
_FRONT_MATTER = re.compile(r"---\r?\n(.*?)^---\r?(?:\n|\Z)", re.S | re.M)


class FrontMatterError(Exception):
    pass


def read_front_matter(text: str):
    """The parsed front matter of a goal file's text, or raise FrontMatterError."""
    if text.startswith("\ufeff"):
        text = text[1:]
    m = _FRONT_MATTER.match(text)
    if m is None:
        if not text.startswith("---"):
            raise FrontMatterError("no front matter: the file must start with a line '---'")
        raise FrontMatterError("front matter is not closed by a line '---'")
    try:
        return yaml.load(m.group(1), Loader=GoalLoader)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" at line {mark.line + 2}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(e, "problem", None) or str(e).splitlines()[0]
        raise FrontMatterError(f"front matter is not valid YAML{where}: {problem}") from None


# --------------------------------------------------------------------------- schema


def _ecma_pattern(validator, pattern, instance, schema):
    """`pattern` with ECMA-262 semantics for `$` and `\\d` (as JSON Schema says): Python's `$`
    also matches before a final newline, and its `\\d` matches non-ASCII digits."""
    if not isinstance(instance, str):
        return
    rx = _PATTERNS.get(pattern)
    if rx is None:
        src = pattern[:-1] + r"\Z" if pattern.endswith("$") and not pattern.endswith("\\$") else pattern
        rx = _PATTERNS[pattern] = re.compile(src, re.ASCII)
    if rx.search(instance) is None:
        yield jsonschema.ValidationError(f"{instance!r} does not match {pattern!r}")


_PATTERNS: dict = {}

GoalValidator = jsonschema.validators.extend(jsonschema.Draft202012Validator, {"pattern": _ecma_pattern})


def make_validator(schema_path: str):
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    return GoalValidator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


_REQUIRED_SUFFIX = " is a required property"


def _missing_key(error) -> str | None:
    """The key a `required` error is about (jsonschema emits one error per missing key)."""
    msg = error.message
    if msg.endswith(_REQUIRED_SUFFIX):
        quoted = msg[: -len(_REQUIRED_SUFFIX)]
        for key in error.validator_value:
            if repr(key) == quoted:
                return key
    missing = [k for k in error.validator_value if isinstance(error.instance, dict) and k not in error.instance]
    return missing[0] if missing else None


def _named_keys(subschema, instance) -> list:
    """Top-level keys a (failing) root sub-schema names: its required / properties / dependent keys."""
    if not isinstance(subschema, dict):
        return []
    keys = list(subschema.get("required", ()))
    keys += [k for k in subschema.get("properties", {}) if k not in keys]
    keys += [k for k in subschema.get("dependentRequired", {}) if k not in keys]
    present = [k for k in keys if isinstance(instance, dict) and k in instance]
    return present or keys


def _condition(schema, error) -> str:
    """`when status is 'active'` for an error raised inside an if/then, else ''."""
    path = list(error.schema_path)
    if "then" not in path and "else" not in path:
        return ""
    i = max(j for j, p in enumerate(path) if p in ("then", "else"))
    parent = schema
    try:
        for p in path[:i]:
            parent = parent[p]
    except (KeyError, IndexError, TypeError):
        return ""
    cond = parent.get("if", {}) if isinstance(parent, dict) else {}
    inst = error.instance if isinstance(error.instance, dict) else {}
    said = [f"{k} is {inst[k]!r}" for k in cond.get("properties", {}) if k in inst]
    return f" (when {' and '.join(said)})" if said else ""


def _location(path) -> str:
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


def describe(schema, error) -> tuple[str, str]:
    """(FIELD, message) for one jsonschema error.

    FIELD is the top-level front-matter key: the first element of the error's instance path;
    for an error at the root, the key it is about (the missing key of `required`, the extra key
    of `additionalProperties`, or the key named by a failing root sub-schema such as an if/then
    rule's `not: {required: [closed]}`); `(root)` when the front matter itself is wrong.
    """
    path = error.path
    if path:
        field = path[0]
        msg = error.message
        if len(path) > 1:
            msg = f"{_location(path)}: {msg}"
        return str(field), msg
    v = error.validator
    if v == "required":
        key = _missing_key(error)
        if key is not None:
            return str(key), f"{key!r} is a required property{_condition(schema, error)}"
    elif v == "additionalProperties" and isinstance(error.instance, dict):
        allowed = error.schema.get("properties", {})
        extra = [k for k in error.instance if k not in allowed]
        if extra:
            return str(extra[0]), error.message
    elif v == "not":
        keys = _named_keys(error.validator_value, error.instance)
        if keys:
            names = ", ".join(repr(k) for k in keys)
            return str(keys[0]), f"{names} must not be present{_condition(schema, error)}"
    elif v == "dependentRequired":
        for key, needed in error.validator_value.items():
            if key in error.instance and any(n not in error.instance for n in needed):
                return str(key), error.message
    return ROOT_FIELD, error.message


# --------------------------------------------------------------------------- files


def collect(paths: list[str], problems: list[str]) -> list[str]:
    files: list[str] = []
    for p in paths:
        if os.path.isdir(p):
            found = []
            for dirpath, dirnames, filenames in os.walk(p):
                dirnames.sort()
                found += [os.path.join(dirpath, n) for n in filenames if n.endswith(".md")]
            files += sorted(found)
        elif os.path.isfile(p):
            files.append(p)
        else:
            problems.append(f"{p}: no such file or directory")
    return files


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="pyvalidate.py",
        description="Validate goal files' YAML front matter against a JSON Schema (draft 2020-12).",
    )
    ap.add_argument("--schema", default=DEFAULT_SCHEMA, help="JSON Schema file (default: schema/goal.schema.json)")
    ap.add_argument("--json", action="store_true", help="print one JSON object instead of lines")
    ap.add_argument("paths", nargs="+", metavar="PATH", help="goal file or directory of *.md files")
    args = ap.parse_args(argv)  # usage errors exit 2

    try:
        validator = make_validator(args.schema)
    except (OSError, ValueError, jsonschema.SchemaError) as e:
        print(f"pyvalidate: cannot use schema {args.schema}: {e}", file=sys.stderr)
        return 2
    schema = validator.schema

    unreadable: list[str] = []
    files = collect(args.paths, unreadable)
    errors: list[tuple[str, str, str]] = []
    checked = 0
    for path in files:
        try:
            with open(path, "rb") as f:
                text = f.read().decode("utf-8")
        except (OSError, UnicodeDecodeError) as e:
            unreadable.append(f"{path}: cannot read: {e}")
            continue
        checked += 1
        try:
            data = read_front_matter(text)
        except FrontMatterError as e:
            errors.append((path, ROOT_FIELD, str(e)))
            continue
        for error in validator.iter_errors(data):
            field, message = describe(schema, error)
            errors.append((path, field, message))

    if args.json:
        out = {"files": checked, "errors": [{"file": f, "field": k, "message": m} for f, k, m in errors]}
        sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write("".join(f"{f}: {k}: {m}\n" for f, k, m in errors))
    for problem in unreadable:
        print(f"pyvalidate: {problem}", file=sys.stderr)
    if unreadable:
        return 2
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
