#include "core/doctor/prescription_sheet.h"

#include <QBuffer>
#include <QCoreApplication>
#include <QFont>
#include <QLocale>
#include <QPainter>
#include <QPdfWriter>

namespace openopd::app {

namespace {

struct PrescriptionText
{
    Q_DECLARE_TR_FUNCTIONS(PrescriptionSheet)
};

} // namespace

QPageSize PrescriptionSheet::pageSize()
{
    return QPageSize(QPageSize::A5);
}

QString PrescriptionSheet::lineText(const protocol::PrescriptionLine& line)
{
    QString text =
        PrescriptionText::tr("%1 — %2, %3, for %n day(s); quantity %4", nullptr, line.durationDays)
            .arg(line.drugName, line.dose, line.frequency)
            .arg(line.quantity);
    if (!line.route.isEmpty())
        text += PrescriptionText::tr(" (%1)").arg(line.route);
    if (!line.instructions.isEmpty())
        text += PrescriptionText::tr(". %1").arg(line.instructions);
    return text;
}

QStringList PrescriptionSheet::textLines() const
{
    QStringList out;
    if (!clinicName.isEmpty())
        out << clinicName;
    out << PrescriptionText::tr("Prescription");
    QString patient = patientName;
    if (!mrn.isEmpty())
        patient += PrescriptionText::tr(" · MRN %1").arg(mrn);
    out << PrescriptionText::tr("Patient: %1").arg(patient);
    QStringList about;
    if (!age.isEmpty())
        about << PrescriptionText::tr("Age %1").arg(age);
    if (!sex.isEmpty())
        about << sex;
    if (!about.isEmpty())
        out << about.join(QStringLiteral(" · "));
    out << (allergies.isEmpty()
                ? PrescriptionText::tr("Allergies: none known")
                : PrescriptionText::tr("Allergies: %1").arg(allergies.join(QStringLiteral(", "))));
    if (!diagnosis.isEmpty())
        out << PrescriptionText::tr("Diagnosis: %1").arg(diagnosis);
    int number = 0;
    for (const protocol::PrescriptionLine& line : lines)
        out << PrescriptionText::tr("%1. %2").arg(++number).arg(lineText(line));
    if (lines.isEmpty())
        out << PrescriptionText::tr("No drugs prescribed.");
    out << PrescriptionText::tr("Doctor: %1").arg(doctorName);
    if (date.isValid())
        out << PrescriptionText::tr("Date: %1")
                   .arg(QLocale().toString(date.toLocalTime(), QLocale::ShortFormat));
    return out;
}

void PrescriptionSheet::paint(QPainter& painter, const QRectF& area) const
{
    const QStringList text = textLines();
    painter.save();
    const qreal margin = area.width() * 0.08;
    const QRectF inner = area.adjusted(margin, margin, -margin, -margin);
    qreal y = inner.top();
    const int titleIndex = clinicName.isEmpty() ? 0 : 1;
    // Title, patient, [age · sex], allergies: the allergies stand out on the sheet too.
    const bool hasAbout = !age.isEmpty() || !sex.isEmpty();
    const int allergyIndex = titleIndex + (hasAbout ? 3 : 2);
    for (int i = 0; i < text.size(); ++i) {
        const bool title = i == titleIndex;
        const bool allergyLine = i == allergyIndex && !allergies.isEmpty();
        QFont font = painter.font();
        font.setPixelSize(qMax(1, qRound(area.height() * (title ? 0.035 : 0.02))));
        font.setBold(title || i <= titleIndex + 1 || allergyLine);
        painter.setFont(font);
        // Long lines wrap within the width; the direction follows the application's.
        const QRectF box(inner.left(), y, inner.width(), inner.bottom() - y);
        QRectF used;
        painter.drawText(box, Qt::AlignLeading | Qt::AlignTop | Qt::TextWordWrap, text.at(i),
                         &used);
        y += used.height() + area.height() * (title ? 0.02 : 0.008);
    }
    painter.restore();
}

QByteArray PrescriptionSheet::toPdf() const
{
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    {
        QPdfWriter writer(&buffer);
        writer.setPageSize(pageSize());
        writer.setPageMargins(QMarginsF(0, 0, 0, 0));
        writer.setResolution(300);
        writer.setTitle(PrescriptionText::tr("Prescription for %1").arg(patientName));
        writer.setCreator(QStringLiteral("OpenOPD"));
        QPainter painter(&writer);
        paint(painter, QRectF(0, 0, writer.width(), writer.height()));
    }
    return buffer.data();
}

} // namespace openopd::app
