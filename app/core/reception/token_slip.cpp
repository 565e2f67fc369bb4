#include "core/reception/token_slip.h"

#include "core/reception/waiting_list_model.h"

#include <QBuffer>
#include <QCoreApplication>
#include <QFont>
#include <QFontMetricsF>
#include <QLocale>
#include <QPainter>
#include <QPdfWriter>
#include <QPromise>
#include <QSaveFile>
#include <QThreadPool>
#include <memory>

namespace openopd::app {

namespace {

// The translation context of this file's strings (lupdate reads TokenSlipText::tr).
struct TokenSlipText
{
    Q_DECLARE_TR_FUNCTIONS(TokenSlip)
};

// One line of the slip: its text, its share of the page height for the font, bold or not.
struct SlipLine
{
    QString text;
    qreal size;
    bool bold;
};

} // namespace

TokenSlip TokenSlip::fromVisit(const protocol::Visit& visit, const QString& mrn,
                               const QString& clinicName)
{
    TokenSlip slip;
    slip.clinicName = clinicName;
    slip.token = visit.token;
    slip.patientName = visit.patientName;
    slip.mrn = mrn;
    slip.queue = visit.queue;
    slip.priority = visit.priority;
    slip.openedAt = visit.registeredAt();
    return slip;
}

QPageSize TokenSlip::pageSize()
{
    return QPageSize(QSizeF(80, 120), QPageSize::Millimeter, TokenSlipText::tr("Token slip"));
}

QString TokenSlip::standardNote() const
{
    return TokenSlipText::tr("Please wait until your token is called.");
}

QStringList TokenSlip::lines() const
{
    QStringList lines;
    if (!clinicName.isEmpty())
        lines << clinicName;
    lines << TokenSlipText::tr("Token") << QString::number(token) << patientName;
    if (!mrn.isEmpty())
        lines << TokenSlipText::tr("MRN: %1").arg(mrn);
    lines
        << TokenSlipText::tr("Queue: %1 · %2").arg(queue, WaitingListModel::priorityText(priority));
    if (openedAt.isValid())
        lines << QLocale().toString(openedAt.toLocalTime(), QLocale::ShortFormat);
    lines << (note.isEmpty() ? standardNote() : note);
    return lines;
}

void TokenSlip::paint(QPainter& painter, const QRectF& area) const
{
    // Sizes are shares of the page height, so the printer and the PDF look alike.
    QList<SlipLine> content;
    if (!clinicName.isEmpty())
        content.append({clinicName, 0.045, true});
    content.append({TokenSlipText::tr("Token"), 0.05, false});
    content.append({QString::number(token), 0.26, true});
    content.append({patientName, 0.06, true});
    if (!mrn.isEmpty())
        content.append({TokenSlipText::tr("MRN: %1").arg(mrn), 0.04, false});
    content.append(
        {TokenSlipText::tr("Queue: %1 · %2").arg(queue, WaitingListModel::priorityText(priority)),
         0.04, false});
    if (openedAt.isValid())
        content.append(
            {QLocale().toString(openedAt.toLocalTime(), QLocale::ShortFormat), 0.035, false});
    content.append({note.isEmpty() ? standardNote() : note, 0.035, false});

    painter.save();
    const qreal margin = area.width() * 0.06;
    const QRectF inner = area.adjusted(margin, margin, -margin, -margin);
    qreal y = inner.top();
    for (const SlipLine& line : std::as_const(content)) {
        QFont font = painter.font();
        const int nominal = qMax(1, qRound(area.height() * line.size));
        font.setPixelSize(nominal);
        font.setBold(line.bold);
        // A line that does not fit gets smaller (down to half its size) before it wraps.
        for (int size = nominal; size > nominal / 2; size -= qMax(1, nominal / 20)) {
            font.setPixelSize(size);
            if (QFontMetricsF(font, painter.device()).horizontalAdvance(line.text) <= inner.width())
                break;
        }
        painter.setFont(font);
        // Long names and notes wrap within the width instead of running off the slip.
        const QRectF box(inner.left(), y, inner.width(), inner.bottom() - y);
        QRectF used;
        painter.drawText(box, Qt::AlignHCenter | Qt::AlignTop | Qt::TextWordWrap, line.text, &used);
        y += used.height() + area.height() * 0.015;
    }
    painter.restore();
}

QByteArray TokenSlip::toPdf() const
{
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    {
        QPdfWriter writer(&buffer);
        writer.setPageSize(pageSize());
        writer.setPageMargins(QMarginsF(0, 0, 0, 0));
        writer.setResolution(300);
        writer.setTitle(TokenSlipText::tr("Token %1").arg(token));
        writer.setCreator(QStringLiteral("OpenOPD"));
        QPainter painter(&writer);
        paint(painter, QRectF(0, 0, writer.width(), writer.height()));
    }
    return buffer.data();
}

TokenSlipFileWriter::TokenSlipFileWriter(QObject* parent) : QObject(parent)
{
    // The watcher reports on this object's thread (a queued call from the pool thread).
    connect(&m_watcher, &QFutureWatcher<QString>::finished, this,
            [this] { Q_EMIT finished(m_path, m_watcher.future().result()); });
}

TokenSlipFileWriter::~TokenSlipFileWriter() = default;

bool TokenSlipFileWriter::write(const QByteArray& bytes, const QString& path)
{
    if (isBusy())
        return false;
    m_path = path;
    auto promise = std::make_shared<QPromise<QString>>();
    m_watcher.setFuture(promise->future());
    promise->start();
    QThreadPool::globalInstance()->start([promise, bytes, path] {
        // QSaveFile: a failed write leaves no half-written slip behind.
        QSaveFile file(path);
        QString error;
        if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit())
            error = TokenSlipText::tr("Could not save %1: %2").arg(path, file.errorString());
        promise->addResult(error);
        promise->finish();
    });
    return true;
}

} // namespace openopd::app
