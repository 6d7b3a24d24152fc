"""Checks a goalsync --json output (stdin) against its schema: check-json.py SCHEMA_DIR NAME, e.g.
`goalsync status --json | python3 scripts/check-json.py schema/output status`. Prints each mismatch
(path: what is wrong) and exits 1 when there is one. Needs the jsonschema package (4.18 or later)."""
import json, sys, pathlib
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
d = pathlib.Path(sys.argv[1]); name = sys.argv[2]
resources = []
for f in d.glob("*.schema.json"):
    s = json.loads(f.read_text()); resources.append((s["$id"], Resource.from_contents(s)))
registry = Registry().with_resources(resources)
schema = json.loads((d / (name + ".schema.json")).read_text())
Draft202012Validator.check_schema(schema)
errors = sorted(Draft202012Validator(schema, registry=registry).iter_errors(json.load(sys.stdin)), key=lambda e: list(e.path))
for e in errors[:10]: print("/".join(map(str, e.path)) + ": " + e.message[:300])
sys.exit(1 if errors else 0)
