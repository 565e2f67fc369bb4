#include "ui/reception/patient_card.h"

#include "core/reception/patient_text.h"

#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QStackedLayout>
#include <QVBoxLayout>

namespace openopd::app {

PatientCard::PatientCard(Session& session, QWidget* parent) : QWidget(parent)
{
    Q_UNUSED(session) // the card only shows what it is given; kept for a uniform API
    setObjectName(QStringLiteral("patientCard"));
    setAccessibleName(tr("Patient"));

    auto* empty = new QLabel(tr("No patient chosen. Find a patient, or register a new one."), this);
    empty->setObjectName(QStringLiteral("patientCardEmpty"));
    empty->setWordWrap(true);
    empty->setAlignment(Qt::AlignCenter);

    auto* details = new QWidget(this);
    auto* form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    form->setRowWrapPolicy(QFormLayout::WrapLongRows);
    addDetail(form, QStringLiteral("name"), tr("Name:"));
    addDetail(form, QStringLiteral("mrn"), tr("MRN:"));
    addDetail(form, QStringLiteral("age"), tr("Age:"));
    addDetail(form, QStringLiteral("sex"), tr("Sex:"));
    addDetail(form, QStringLiteral("phone"), tr("Phone:"));
    addDetail(form, QStringLiteral("national_id"), tr("National id:"));
    addDetail(form, QStringLiteral("address"), tr("Address:"));
    addDetail(form, QStringLiteral("allergies"), tr("Allergies:"));
    addDetail(form, QStringLiteral("remarks"), tr("Remarks:"));
    QFont nameFont = m_details.value(QStringLiteral("name"))->font();
    nameFont.setBold(true);
    nameFont.setPointSizeF(nameFont.pointSizeF() * 1.2);
    m_details.value(QStringLiteral("name"))->setFont(nameFont);

    m_openVisit = new QPushButton(tr("&Open visit…"), details);
    m_openVisit->setObjectName(QStringLiteral("openVisit"));
    m_edit = new QPushButton(tr("&Edit details…"), details);
    m_edit->setObjectName(QStringLiteral("editPatient"));
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_openVisit);
    buttons->addWidget(m_edit);
    buttons->addStretch(1);

    auto* detailsLayout = new QVBoxLayout(details);
    detailsLayout->setContentsMargins({});
    detailsLayout->addLayout(form);
    detailsLayout->addLayout(buttons);
    detailsLayout->addStretch(1);

    m_pages = new QStackedLayout(this);
    m_pages->addWidget(empty);
    m_pages->addWidget(details);

    connect(m_openVisit, &QPushButton::clicked, this, [this] {
        if (m_patient)
            Q_EMIT openVisitRequested(*m_patient);
    });
    connect(m_edit, &QPushButton::clicked, this, [this] {
        if (m_patient)
            Q_EMIT editRequested(*m_patient);
    });
}

QLabel* PatientCard::addDetail(QFormLayout* form, const QString& key, const QString& label)
{
    auto* value = new QLabel(this);
    value->setObjectName(QStringLiteral("patient_") + key);
    value->setWordWrap(true);
    value->setTextFormat(Qt::PlainText);
    // Selectable for copying; not a Tab stop, so Tab goes straight to the card's buttons
    // (screen readers read the labels from the accessibility tree).
    value->setTextInteractionFlags(Qt::TextSelectableByMouse);
    value->setAccessibleDescription(QString(label).remove(u':'));
    auto* caption = new QLabel(label, this);
    caption->setBuddy(value);
    form->addRow(caption, value);
    m_details.insert(key, value);
    return value;
}

void PatientCard::showPatient(const protocol::Patient& patient)
{
    m_patient = patient;
    const protocol::PatientDetails& d = patient.details;
    const QString none = tr("—");
    auto set = [&](const char* key, const QString& text) {
        m_details.value(QString::fromLatin1(key))->setText(text.isEmpty() ? none : text);
    };
    set("name", d.fullName);
    set("mrn", patient.mrn);
    const QString age = PatientText::age(d, QDate::currentDate());
    // "46 (born 1980-05-22)", or for an age the patient gave: "about 65 (date of birth
    // estimated)" instead of nesting the estimate's own parentheses.
    QString ageText;
    if (!age.isEmpty())
        ageText = d.dateOfBirthEstimated
                      ? tr("about %1 (date of birth estimated)").arg(QString(age).remove(u'~'))
                      : tr("%1 (born %2)").arg(age, PatientText::dateOfBirth(d));
    set("age", ageText);
    set("sex", PatientText::sex(d.sex));
    set("phone", d.phone);
    set("national_id", d.nationalId);
    set("address", d.address);
    set("allergies",
        d.allergies.isEmpty() ? tr("None recorded") : QLocale().createSeparatedList(d.allergies));
    set("remarks", d.remarks);
    m_pages->setCurrentIndex(1);
}

void PatientCard::clear()
{
    m_patient.reset();
    m_pages->setCurrentIndex(0);
}

QString PatientCard::detailText(const QString& key) const
{
    const QLabel* label = m_details.value(key);
    return label ? label->text() : QString();
}

} // namespace openopd::app
