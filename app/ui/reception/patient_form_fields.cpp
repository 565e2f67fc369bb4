#include "ui/reception/patient_form_fields.h"

#include "core/reception/patient_text.h"
#include "protocol/enums.h"

#include <QComboBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QVBoxLayout>

namespace openopd::app {

PatientFormFields::PatientFormFields(QWidget* parent) : QWidget(parent)
{
    auto* form = new QFormLayout(this);
    form->setContentsMargins({});
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    form->setRowWrapPolicy(QFormLayout::WrapLongRows);

    // Which fields must be filled, said once above them (a "*" is easy to miss and is not
    // read out by every screen reader).
    auto* required = new QLabel(
        tr("Name, sex and the date of birth (or the age) are required; the rest is optional."),
        this);
    required->setObjectName(QStringLiteral("requiredFields"));
    required->setWordWrap(true);
    form->addRow(required);

    m_fullName = new QLineEdit(this);
    m_fullName->setMaxLength(250); // longer than allowed, so the rule can say so
    addRow(form, QStringLiteral("full_name"), tr("Full &name:"), m_fullName);

    m_dateOfBirth = new QLineEdit(this);
    m_dateOfBirth->setPlaceholderText(tr("YYYY-MM-DD"));
    addRow(form, QStringLiteral("date_of_birth"), tr("&Date of birth:"), m_dateOfBirth,
           tr("YYYY-MM-DD. Leave empty and enter the age if the date is not known."));

    m_age = new QLineEdit(this);
    m_age->setPlaceholderText(tr("years, when the date is not known"));
    m_age->setMaxLength(5);
    addRow(form, QStringLiteral("age"), tr("A&ge:"), m_age,
           tr("Age in whole years; used only when the date of birth is not known."));

    m_sex = new QComboBox(this);
    m_sex->setPlaceholderText(tr("Choose…"));
    for (const protocol::Sex sex :
         {protocol::Sex::Female, protocol::Sex::Male, protocol::Sex::Other, protocol::Sex::Unknown})
        m_sex->addItem(PatientText::sex(sex), protocol::toWire(sex));
    m_sex->setCurrentIndex(-1);
    addRow(form, QStringLiteral("sex"), tr("Se&x:"), m_sex);

    m_phone = new QLineEdit(this);
    m_phone->setMaxLength(40);
    m_phone->setPlaceholderText(tr("e.g. +27 82 555 0123"));
    addRow(form, QStringLiteral("phone"), tr("&Phone:"), m_phone);

    m_nationalId = new QLineEdit(this);
    m_nationalId->setMaxLength(40);
    addRow(form, QStringLiteral("national_id"), tr("Nat&ional id:"), m_nationalId);

    m_address = new QLineEdit(this);
    addRow(form, QStringLiteral("address"), tr("Addr&ess:"), m_address);

    m_allergies = new QLineEdit(this);
    m_allergies->setPlaceholderText(tr("separated by commas"));
    addRow(form, QStringLiteral("allergies"), tr("A&llergies:"), m_allergies,
           tr("Known allergies, separated by commas."));

    m_remarks = new QPlainTextEdit(this);
    m_remarks->setTabChangesFocus(true);
    m_remarks->setMinimumHeight(fontMetrics().lineSpacing() * 3);
    m_remarks->setMaximumHeight(fontMetrics().lineSpacing() * 6);
    addRow(form, QStringLiteral("remarks"), tr("Re&marks:"), m_remarks);

    for (QLineEdit* edit :
         {m_fullName, m_dateOfBirth, m_age, m_phone, m_nationalId, m_address, m_allergies})
        connect(edit, &QLineEdit::textEdited, this, &PatientFormFields::edited);
    connect(m_sex, &QComboBox::activated, this, &PatientFormFields::edited);
    connect(m_remarks, &QPlainTextEdit::textChanged, this, &PatientFormFields::edited);
}

void PatientFormFields::addRow(QFormLayout* form, const QString& key, const QString& label,
                               QWidget* field, const QString& hint)
{
    field->setObjectName(QStringLiteral("field_") + key);
    field->setAccessibleName(QString(label).remove(u'&').remove(u':'));
    field->setAccessibleDescription(hint);
    auto* caption = new QLabel(label, this);
    caption->setBuddy(field);

    auto* error = new QLabel(this);
    error->setObjectName(QStringLiteral("error_") + key);
    error->setWordWrap(true);
    error->setTextFormat(Qt::PlainText);
    error->setStyleSheet(QStringLiteral("color: #b00020;"));
    error->hide();

    auto* cell = new QVBoxLayout;
    cell->setSpacing(2);
    cell->addWidget(field);
    cell->addWidget(error);
    form->addRow(caption, cell);

    m_order.append(key);
    m_fields.insert(key, field);
    m_errors.insert(key, error);
    m_descriptions.insert(key, hint);
}

PatientFormInput PatientFormFields::input() const
{
    PatientFormInput input;
    input.fullName = m_fullName->text();
    input.dateOfBirth = m_dateOfBirth->text();
    input.age = m_age->text();
    if (m_sex->currentIndex() >= 0)
        input.sex = protocol::enumFromWire<protocol::Sex>(m_sex->currentData().toString());
    input.phone = m_phone->text();
    input.nationalId = m_nationalId->text();
    input.address = m_address->text();
    input.allergies = m_allergies->text();
    input.remarks = m_remarks->toPlainText();
    input.previousEstimate = m_previousEstimate;
    return input;
}

void PatientFormFields::setPatient(const protocol::Patient& patient)
{
    const protocol::PatientDetails& d = patient.details;
    m_fullName->setText(d.fullName);
    if (d.dateOfBirthEstimated) {
        // Only the age was known: show it as the age, keep the estimate while it holds.
        m_previousEstimate = d.dateOfBirth;
        m_dateOfBirth->clear();
        m_age->setText(
            QString::number(PatientText::ageInYears(d.dateOfBirth, QDate::currentDate())));
    } else {
        m_previousEstimate = {};
        m_dateOfBirth->setText(d.dateOfBirth.toString(Qt::ISODate));
        m_age->clear();
    }
    m_sex->setCurrentIndex(m_sex->findData(protocol::toWire(d.sex)));
    m_phone->setText(d.phone);
    m_nationalId->setText(d.nationalId);
    m_address->setText(d.address);
    m_allergies->setText(d.allergies.join(QStringLiteral(", ")));
    m_remarks->setPlainText(d.remarks);
}

void PatientFormFields::setFullName(const QString& name)
{
    m_fullName->setText(name);
    // Selected: typing the whole name replaces what was searched, End keeps it.
    m_fullName->selectAll();
}

bool PatientFormFields::showError(const QString& key, const QString& message)
{
    QLabel* label = m_errors.value(key);
    if (!label)
        return false;
    label->setText(message);
    label->setVisible(!message.isEmpty());
    // Screen readers announce the description with the field.
    QWidget* widget = m_fields.value(key);
    const QString hint = m_descriptions.value(key);
    widget->setAccessibleDescription(
        message.isEmpty() ? hint : (hint.isEmpty() ? message : QString(message + u' ' + hint)));
    return true;
}

void PatientFormFields::clearErrors()
{
    for (const QString& key : std::as_const(m_order))
        showError(key, {});
}

QString PatientFormFields::error(const QString& key) const
{
    const QLabel* label = m_errors.value(key);
    return label && !label->isHidden() ? label->text() : QString();
}

QWidget* PatientFormFields::field(const QString& key) const
{
    return m_fields.value(key);
}

bool PatientFormFields::focusFirstError()
{
    for (const QString& key : std::as_const(m_order)) {
        if (!error(key).isEmpty()) {
            m_fields.value(key)->setFocus(Qt::OtherFocusReason);
            return true;
        }
    }
    return false;
}

} // namespace openopd::app
