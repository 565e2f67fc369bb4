#pragma once

// The token slip a patient takes to the waiting room: clinic name (when known), the token
// large, patient name and MRN, queue, priority, when, and a short note. One paint() serves
// the printer (QPrinter, from the UI) and the PDF; the PDF is made in memory (QPdfWriter on
// a QBuffer, fast) and written to disk by TokenSlipFileWriter on a worker thread, never on
// the GUI thread (docs/threading.md).

#include "protocol/visit.h"

#include <QDateTime>
#include <QFutureWatcher>
#include <QObject>
#include <QPageSize>
#include <QRectF>

class QPainter;

namespace openopd::app {

struct TokenSlip
{
    QString clinicName; // empty: not shown
    int token = 0;
    QString patientName;
    QString mrn; // empty: not shown
    QString queue;
    protocol::Priority priority = protocol::Priority::Normal;
    QDateTime openedAt; // shown in local time
    QString note;       // empty: the standard note

    static TokenSlip fromVisit(const protocol::Visit& visit, const QString& mrn = {},
                               const QString& clinicName = {});

    // Receipt-printer size (80 mm wide).
    static QPageSize pageSize();
    // Draws the slip to fill area (device units of the painter's device).
    void paint(QPainter& painter, const QRectF& area) const;
    // The slip as a one-page PDF (on the calling thread, in memory).
    QByteArray toPdf() const;
    // Every line of text on the slip, top to bottom (what paint() writes).
    QStringList lines() const;
    QString standardNote() const;
};

// Writes bytes to a file on a worker thread (QThreadPool) and reports back on its own
// thread through queued signals: finished once per write. Deleting it abandons the report,
// not the write.
class TokenSlipFileWriter final : public QObject
{
    Q_OBJECT
public:
    explicit TokenSlipFileWriter(QObject* parent = nullptr);
    ~TokenSlipFileWriter() override;
    Q_DISABLE_COPY_MOVE(TokenSlipFileWriter)

    // Ignored (returns false) while a write is in progress.
    bool write(const QByteArray& bytes, const QString& path);
    bool isBusy() const { return m_watcher.isRunning(); }

Q_SIGNALS:
    // error is empty on success (translated otherwise).
    void finished(const QString& path, const QString& error);

private:
    QFutureWatcher<QString> m_watcher;
    QString m_path;
};

} // namespace openopd::app
