#include "core/discharge/visit_summary_document.h"

#include "core/discharge/discharge_commands.h"

#include <QBuffer>
#include <QCoreApplication>
#include <QGuiApplication>
#include <QLocale>
#include <QPageLayout>
#include <QPdfWriter>
#include <QRegularExpression>
#include <QTextDocument>
#include <QTextOption>

namespace openopd::app {

namespace {

struct VisitSummaryText
{
    Q_DECLARE_TR_FUNCTIONS(VisitSummary)
};

QString esc(const QString& text)
{
    return text.toHtmlEscaped();
}

QString date(QDate day)
{
    return QLocale().toString(day, QLocale::LongFormat);
}

QString when(const QDateTime& at)
{
    return QLocale().toString(at.toLocalTime(), QLocale::ShortFormat);
}

QString flagText(protocol::LabFlag flag)
{
    switch (flag) {
    case protocol::LabFlag::Normal:
        return VisitSummaryText::tr("normal");
    case protocol::LabFlag::Abnormal:
        return VisitSummaryText::tr("abnormal");
    case protocol::LabFlag::Critical:
        return VisitSummaryText::tr("critical");
    }
    return {};
}

QString prescriptionText(const protocol::PrescriptionLine& line)
{
    QString text = VisitSummaryText::tr("%1 — %2, %3 for %n day(s)", nullptr, line.durationDays)
                       .arg(line.drugName, line.dose, line.frequency);
    if (!line.instructions.isEmpty())
        text += VisitSummaryText::tr(" (%1)").arg(line.instructions);
    return text;
}

QString list(const QStringList& items)
{
    QString html = QStringLiteral("<ul>");
    for (const QString& item : items)
        html += QStringLiteral("<li>%1</li>").arg(esc(item));
    return html + QStringLiteral("</ul>");
}

QString section(const QString& title)
{
    return QStringLiteral("<h3>%1</h3>").arg(esc(title));
}

QString para(const QString& text)
{
    return QStringLiteral("<p>%1</p>").arg(esc(text));
}

} // namespace

QString VisitSummaryDocument::toHtml() const
{
    QString html;
    if (!clinicName.isEmpty())
        html += para(clinicName);
    html += QStringLiteral("<h1>%1</h1>").arg(esc(VisitSummaryText::tr("Visit summary")));
    html += QStringLiteral("<h2>%1</h2>").arg(esc(visit.patientName));
    html += para(VisitSummaryText::tr("Visit of %1 · token %2 · queue %3")
                     .arg(date(visit.day))
                     .arg(visit.token)
                     .arg(visit.queue));

    html += section(VisitSummaryText::tr("Consultation"));
    if (const auto& c = summary.consultation) {
        html +=
            para(VisitSummaryText::tr("Seen by %1 on %2").arg(c->doctor.name, when(c->savedAt)));
        if (!c->content.complaint.isEmpty())
            html += para(VisitSummaryText::tr("Complaint: %1").arg(c->content.complaint));
        QStringList diagnoses;
        for (const protocol::Diagnosis& d : c->content.diagnoses)
            diagnoses << (d.icd10.isEmpty()
                              ? d.text
                              : VisitSummaryText::tr("%1 (ICD-10 %2)").arg(d.text, d.icd10));
        if (!diagnoses.isEmpty())
            html += para(VisitSummaryText::tr("Diagnosis:")) + list(diagnoses);
        if (!c->content.notes.isEmpty())
            html += para(VisitSummaryText::tr("Notes: %1").arg(c->content.notes));
        QStringList prescribed;
        for (const protocol::PrescriptionLine& line : c->content.prescriptions)
            prescribed << prescriptionText(line);
        if (!prescribed.isEmpty())
            html += para(VisitSummaryText::tr("Prescribed:")) + list(prescribed);
    } else {
        html += para(VisitSummaryText::tr("No consultation is on record for this visit."));
    }

    html += section(VisitSummaryText::tr("Medicines dispensed"));
    QStringList dispensed;
    for (const protocol::Dispense& d : summary.dispenses)
        for (const protocol::DispensedLine& line : d.lines)
            dispensed << VisitSummaryText::tr("%1 × %2 (%3, %4)")
                             .arg(line.drugName)
                             .arg(line.quantity)
                             .arg(d.dispensedBy.name, when(d.dispensedAt));
    html += dispensed.isEmpty() ? para(VisitSummaryText::tr("Nothing was dispensed."))
                                : list(dispensed);

    html += section(VisitSummaryText::tr("Lab results"));
    QStringList results;
    for (const protocol::LabResult& r : summary.labResults) {
        QString text = VisitSummaryText::tr("%1: %2").arg(r.testName, r.entry.value);
        if (!r.entry.unit.isEmpty())
            text += u' ' + r.entry.unit;
        if (!r.entry.referenceRange.isEmpty())
            text += VisitSummaryText::tr(" (reference %1)").arg(r.entry.referenceRange);
        text += VisitSummaryText::tr(" — %1").arg(flagText(r.entry.flag));
        if (!r.entry.notes.isEmpty())
            text += VisitSummaryText::tr(". %1").arg(r.entry.notes);
        results << text;
    }
    html += results.isEmpty() ? para(VisitSummaryText::tr("No lab results.")) : list(results);

    html += section(VisitSummaryText::tr("Outcome"));
    QString outcome = outcomeText(details.outcome);
    if (!details.destination.isEmpty())
        outcome = details.outcome == protocol::DischargeOutcome::Admitted
                      ? VisitSummaryText::tr("Admitted to %1").arg(details.destination)
                      : VisitSummaryText::tr("Referred to %1").arg(details.destination);
    html += para(outcome);
    if (recordedAt.isValid())
        html +=
            para(VisitSummaryText::tr("Recorded by %1 on %2").arg(recordedBy, when(recordedAt)));
    QStringList continued;
    for (const protocol::PrescriptionLine& line : details.postMedication)
        continued << prescriptionText(line);
    if (!continued.isEmpty())
        html += para(VisitSummaryText::tr("Medication to continue:")) + list(continued);
    if (!details.notes.isEmpty())
        html += para(VisitSummaryText::tr("Notes: %1").arg(details.notes));
    html += QStringLiteral("<h3>%1</h3>")
                .arg(esc(details.nextVisit.isValid()
                             ? VisitSummaryText::tr("Next visit: %1").arg(date(details.nextVisit))
                             : VisitSummaryText::tr("No next visit is planned.")));
    return html;
}

std::unique_ptr<QTextDocument> VisitSummaryDocument::document() const
{
    auto doc = std::make_unique<QTextDocument>();
    QTextOption option = doc->defaultTextOption();
    option.setTextDirection(QGuiApplication::layoutDirection());
    doc->setDefaultTextOption(option);
    doc->setHtml(toHtml());
    return doc;
}

void VisitSummaryDocument::print(QPagedPaintDevice* device) const
{
    document()->print(device);
}

QByteArray VisitSummaryDocument::toPdf() const
{
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    {
        QPdfWriter writer(&buffer);
        writer.setTitle(VisitSummaryText::tr("Visit summary: %1").arg(visit.patientName));
        writer.setPageSize(QPageSize(QPageSize::A4));
        writer.setPageMargins(QMarginsF(18, 18, 18, 18), QPageLayout::Millimeter);
        writer.setResolution(300);
        print(&writer);
    }
    return buffer.data();
}

QStringList VisitSummaryDocument::lines() const
{
    return document()->toPlainText().split(u'\n', Qt::SkipEmptyParts);
}

QString VisitSummaryDocument::defaultFileName() const
{
    QString name = visit.patientName.toLower();
    name.replace(QRegularExpression(QStringLiteral("[^\\w]+")), QStringLiteral("-"));
    return QStringLiteral("visit-summary-%1-%2.pdf").arg(name, visit.day.toString(Qt::ISODate));
}

} // namespace openopd::app
