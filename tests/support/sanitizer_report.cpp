#include "support/sanitizer_report.h"

#include <QList>

namespace openopd::testing {
namespace {

// The first line of a report: "==1234==ERROR: AddressSanitizer: …", "==1234==ERROR:
// LeakSanitizer: …", "WARNING: ThreadSanitizer: …", "file.cpp:12:5: runtime error: …".
bool startsReport(const QByteArray& line)
{
    return (line.startsWith("==") && line.contains("==ERROR: ")) ||
           line.contains("WARNING: ThreadSanitizer:") || line.contains(": runtime error: ");
}

} // namespace

QByteArray sanitizerReport(const QByteArray& log)
{
    QByteArray report;
    bool inside = false;
    for (const QByteArray& line : log.split('\n')) {
        inside = inside || startsReport(line);
        if (!inside)
            continue;
        report += line + '\n';
        // Every sanitizer ends a report with its SUMMARY line (UBSan too: print_summary).
        if (line.startsWith("SUMMARY: "))
            inside = false;
    }
    return report;
}

} // namespace openopd::testing
