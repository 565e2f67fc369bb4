#pragma once

// Sanitizer reports in a child process's output (issue 14). A service a test starts is the
// same sanitized build as the test, but its reports land in its own log, which the test only
// prints when an assertion fails: a leak at a clean SIGTERM or a race that did not halt the
// service went unseen. ServiceProcess prints every report it finds with kReportMarker in
// front, and every test fails on that marker (FAIL_REGULAR_EXPRESSION, tests/CMakeLists.txt).

#include <QByteArray>

namespace openopd::testing {

inline constexpr char kReportMarker[] = "openopd-test: sanitizer report";

// The report lines of AddressSanitizer, LeakSanitizer, ThreadSanitizer and UBSan in log (from
// each report's first line to its SUMMARY line, or to the end), or empty if there is none.
QByteArray sanitizerReport(const QByteArray& log);

} // namespace openopd::testing
