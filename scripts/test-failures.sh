#!/usr/bin/env bash
# test-failures.sh BUILD_DIR — after a failed ctest run, print why each test failed: every
# Qt Test failure (the "FAIL!" line and its message up to the "Loc:" line), sanitizer
# reports of services and tests that timed out, from ctest's LastTest.log.
#
# scripts/test.sh calls it when ctest fails, so that the reasons come last in a long log (a
# CI summary that keeps the head and the tail of the output then still shows them).
set -euo pipefail

build_dir="${1:?usage: test-failures.sh BUILD_DIR}"
log="${build_dir}/Testing/Temporary/LastTest.log"
if [[ ! -r "${log}" ]]; then
    echo "test-failures: no ctest log at ${log}" >&2
    exit 0
fi

echo
echo "== Why the tests failed (from ${log})"
awk '
    /^[0-9]+\/[0-9]+ Testing: / { test = $3 }
    /^Test time = / { took = $4 }
    /^FAIL!  : / || /^openopd-test: sanitizer report/ { print "-- " test ":"; printing = 1; lines = 0 }
    printing {
        print
        # A Qt Test failure ends with its Loc line, a sanitizer report with its SUMMARY line.
        if (/^   Loc: / || /^SUMMARY: /) printing = 0
        else if (++lines >= 60) { print "   ..."; printing = 0 }
    }
    /^Test Failed\./ { print "-- " test ": failed after " took " s (a timeout when that is its limit)" }
    /^Test Fail Reason:/ { getline reason; print "-- " test ": " reason }
' "${log}"
