#!/usr/bin/env python3
"""Seed inputs for the fuzz targets from the protocol examples in docs/protocol.md.

    python3 tests/fuzz/make_corpus.py <build-dir> <out-dir>

writes <out-dir>/<target>/<sha1> files. fuzz_protocol's inputs start with the index of the
decoder (OPENOPD_FUZZ_LIST=1 <build-dir>/tests/fuzz/fuzz_protocol prints the table), so every
example seeds the request, reply or event decoders of the subject whose section holds it.
scripts/fuzz.sh --seed runs this and minimises the result into tests/fuzz/corpus (-merge=1).
A few inputs that docs/protocol.md describes in words (ack subjects, --db values) are spelled
out here.
"""
import hashlib
import json
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def json_blocks(markdown):
    """(heading, text) of every ```json block; heading is the last ##/### heading above it."""
    heading, block, out = "", None, []
    for line in markdown.split("\n"):
        if block is not None:
            if line.startswith("```"):
                out.append((heading, "\n".join(block)))
                block = None
            else:
                block.append(line)
        elif line.startswith("```json"):
            block = []
        elif line.startswith("#"):
            heading = line.lstrip("#").strip()
    return out


def strings_in(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield k
            yield from strings_in(v)
    elif isinstance(value, list):
        for v in value:
            yield from strings_in(v)


class Out:
    def __init__(self, root):
        self.root = root
        self.count = {}

    def add(self, target, data):
        if isinstance(data, str):
            data = data.encode()
        folder = os.path.join(self.root, target)
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, hashlib.sha1(data).hexdigest()), "wb") as f:
            f.write(data)
        self.count[target] = self.count.get(target, 0) + 1


def main():
    build, out_dir = sys.argv[1], sys.argv[2]
    out = Out(out_dir)
    listing = subprocess.run([os.path.join(build, "tests/fuzz/fuzz_protocol")], check=True,
                             env=dict(os.environ, OPENOPD_FUZZ_LIST="1"),
                             capture_output=True, text=True).stdout
    decoders = {}
    for line in listing.splitlines():
        index, kind, subject = line.split(" ", 2)
        decoders.setdefault(subject, []).append(int(index))

    with open(os.path.join(ROOT, "docs/protocol.md"), encoding="utf-8") as f:
        blocks = json_blocks(f.read())
    texts = set()
    for heading, text in blocks:
        subject = heading.strip("`")
        raw = text.encode()
        for index in decoders.get(subject, []):
            out.add("fuzz_protocol", bytes([index]) + raw)
        if subject.startswith("opd.events."):
            out.add("fuzz_protocol", bytes([decoders["opd.events.>"][0]]) + raw)
        for ops in (range(0, 8), range(8, 16), range(16, 24), range(24, 32)):
            out.add("fuzz_json_fields", bytes([1]) + bytes(o * 7 + 1 for o in ops) + raw)
        try:
            value = json.loads(text)
        except ValueError:
            continue  # an example written with "…" in it
        texts.update(s for s in strings_in(value) if len(s) <= 80)
        kind = value.get("type", "") if isinstance(value, dict) else ""
        for verb, name in enumerate(("ping", "info", "stats")):
            if kind == "io.nats.micro.v1.%s_response" % name:
                out.add("fuzz_bus_replies", bytes([verb]) + raw)
                out.add("fuzz_service_api", bytes([0, verb]) + raw)
        if isinstance(value, dict) and "code" in value and "error" in value:
            out.add("fuzz_bus_replies", b"\x03" + value["error"].encode() + b"\n%d\n" %
                    value["code"] + raw)
    for text in sorted(texts):
        out.add("fuzz_json_fields", b"\x00" + text.encode())
        out.add("fuzz_search_keys", b"\x00" + text.encode())

    # Described in docs/protocol.md "JetStream conventions" and docs/architecture.md, not shown
    # as JSON blocks there.
    for subject in (b"$JS.ACK.OPD_EVENTS.registration-visits.1.42.17.1714982400000000000.3",
                    b"$JS.ACK.hub.5a1f.OPD_EVENTS.audit.2.43.18.1714982400000000000.0.x1y2"):
        out.add("fuzz_bus_replies", b"\x04" + subject)
    out.add("fuzz_bus_replies", b'\x05{"stream":"OPD_EVENTS","seq":42,"duplicate":false}')
    out.add("fuzz_bus_replies",
            b'\x05{"error":{"code":503,"err_code":10077,"description":"insufficient resources"}}')
    for spec in (b"", b"registration.sqlite", b"/var/lib/openopd/registration.sqlite",
                 b"sqlite:///var/lib/openopd/reg.sqlite", b"sqlite:reg.sqlite",
                 b"postgresql://opd:\x01@db.example:5432/registration?sslmode=verify-full",
                 b"postgres://opd@[::1]/registration?password=\x01&connect_timeout=3",
                 b"mysql://opd:\x01@db/x"):
        out.add("fuzz_database_spec", b"data\\;registration\\;node-1\\;" + spec + b"\x00\x00")
    for builder in (b"\x01registration\\;0.1.0\\;Patients\\;7bb3daa5\\;patient-create\\;"
                    b"opd.registration.patient.create\\;q\\;400:x\\;" + bytes(range(40)),):
        out.add("fuzz_service_api", builder)
    for target, n in sorted(out.count.items()):
        print("%s: %d seeds" % (target, n))


if __name__ == "__main__":
    main()
