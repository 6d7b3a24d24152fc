#!/usr/bin/env python3
"""Writes Sources/GoalSyncCore/Schema/EmbeddedFiles.swift from schema/*.json, hooks/pre-commit,
hooks/pre-receive and the docs `goalsync help TOPIC` prints, so the goalsync binary carries them
(init copies the hooks into a goal repository, hooks install --server into a server's) without a
resource bundle beside it. Run it after editing those files; a test fails while the two disagree."""
import pathlib

root = pathlib.Path(__file__).resolve().parent.parent
files = {
    "goalSchema": "schema/goal.schema.json",
    "visionSchema": "schema/vision.schema.json",
    "configSchema": "schema/config.schema.json",
    "preCommitHook": "hooks/pre-commit",
    "preReceiveHook": "hooks/pre-receive",
    "fileFormatDoc": "docs/file-format.md",
    "mergeRulesDoc": "docs/merge-rules.md",
    "lintCodesDoc": "docs/lint-codes.md",
    "jsonOutputsDoc": "docs/json-outputs.md",
    "safetyDoc": "docs/safety.md",
    "progressDoc": "docs/progress.md",
}
out = ["// Written by scripts/embed-resources.py from the files named below. Do not edit by hand.", "",
       "/// The project files the binary carries: schemas for editors and tools, the hooks, and the docs of `goalsync help TOPIC`.",
       "package enum EmbeddedFiles {"]
for name, rel in files.items():
    text = (root / rel).read_text(encoding="utf-8")
    assert '"""#' not in text
    out.append(f"    /// `{rel}`.")
    out.append(f'    package static let {name} = #"""')
    out.append(text + '\n"""#')
    out.append("")
out[-1:] = ["}"]
(root / "Sources/GoalSyncCore/Schema/EmbeddedFiles.swift").write_text("\n".join(out) + "\n", encoding="utf-8")
