#pragma once

// The prescription the patient takes to the pharmacy (issue 11): patient (name, age, sex,
// MRN, allergies), each drug (name, dose, frequency, duration, quantity, how to take it), the
// diagnosis, the doctor and the date. One paint() serves the printer (QPrinter, from the UI)
// and the PDF; the PDF is made in memory (QPdfWriter on a QBuffer) and written to disk on a
// worker thread by TokenSlipFileWriter (core/reception/token_slip.h).

#include "protocol/clinical.h"

#include <QDateTime>
#include <QPageSize>
#include <QRectF>
#include <QStringList>

class QPainter;

namespace openopd::app {

struct PrescriptionSheet
{
    QString clinicName; // empty: not shown
    QString patientName;
    QString mrn;
    QString age; // as shown ("42", "~42"), may be empty
    QString sex;
    QStringList allergies;
    QString diagnosis;
    QList<protocol::PrescriptionLine> lines;
    QString doctorName;
    QDateTime date; // shown in local time

    static QPageSize pageSize(); // A5
    // Every line of text on the sheet, top to bottom (what paint() writes).
    QStringList textLines() const;
    static QString lineText(const protocol::PrescriptionLine& line);
    void paint(QPainter& painter, const QRectF& area) const;
    QByteArray toPdf() const;
};

} // namespace openopd::app
