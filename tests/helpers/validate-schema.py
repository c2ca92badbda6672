#!/usr/bin/env python3
"""Validate a JSON document against one of the runtime-spec schemas.

usage: validate-schema.py SCHEMA.json DOCUMENT.json|-

The schema's relative $refs ("defs.json#/definitions/...") are resolved
against the schema's own directory.  Exit 0 when valid; 1 with one line per
violation (JSON path: message) otherwise; 2 on a usage or I/O error.
"""
import json
import os
import sys
import warnings

import jsonschema


def load(path):
    if path == "-":
        return json.load(sys.stdin)
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def main(argv):
    if len(argv) != 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    schema_path = os.path.abspath(argv[1])
    try:
        schema = load(schema_path)
        document = load(argv[2])
    except (OSError, ValueError) as e:
        print(f"validate-schema: {e}", file=sys.stderr)
        return 2
    base_uri = "file://" + os.path.dirname(schema_path) + "/"
    # RefResolver is deprecated in newer jsonschema but still the one API
    # every packaged version (Debian 12's included) offers.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        resolver = jsonschema.RefResolver(base_uri, schema)
        validator_class = jsonschema.validators.validator_for(schema)
        validator = validator_class(schema, resolver=resolver)
        errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    for e in errors:
        path = "." + ".".join(str(p) for p in e.absolute_path)
        print(f"{argv[2]}: {path}: {e.message}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
