#pragma once

// The visit summary the patient takes home (issue 11): patient and visit, the consultation
// (complaint, diagnoses, notes, what was prescribed), what was dispensed, the lab results,
// how the visit ended (discharged / admitted / referred), the medication to continue, notes
// and the next visit. One QTextDocument (A4, paginated, right-to-left when the app is) serves
// the printer (QPrinter, from the UI) and the PDF (QPdfWriter in memory, on the GUI thread:
// a few pages of text; the file is written by TokenSlipFileWriter on a worker thread).

#include "protocol/discharge.h"
#include "protocol/visit_summary.h"

#include <QPagedPaintDevice>
#include <QStringList>
#include <memory>

class QTextDocument;

namespace openopd::app {

struct VisitSummaryDocument
{
    QString clinicName;             // empty: not shown
    protocol::PendingRelease visit; // patient name, token, queue, day
    protocol::VisitSummary summary;
    protocol::DischargeDetails details;
    QDateTime recordedAt; // invalid: not yet recorded (a draft)
    QString recordedBy;

    QString toHtml() const;
    // The document (print() lays a copy out on the device's pages).
    std::unique_ptr<QTextDocument> document() const;
    void print(QPagedPaintDevice* device) const;
    QByteArray toPdf() const;
    // The text, line by line (what the PDF says).
    QStringList lines() const;
    QString defaultFileName() const; // "visit-summary-<name>-<day>.pdf"
};

} // namespace openopd::app
