#pragma once

// The fields of the patient form, each with its label (the field is its buddy, so Alt+key
// and screen readers find it) and an error line under it for the client's and the service's
// messages. Field keys are those of PatientFormRules ("full_name", "date_of_birth", "age",
// "sex", "phone", "national_id", "address", "allergies", "remarks").

#include "core/reception/patient_form_rules.h"

#include <QHash>
#include <QWidget>

class QComboBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QPlainTextEdit;

namespace openopd::app {

class PatientFormFields final : public QWidget
{
    Q_OBJECT
public:
    explicit PatientFormFields(QWidget* parent = nullptr);

    PatientFormInput input() const;
    void setPatient(const protocol::Patient& patient);
    void setFullName(const QString& name);

    // Shows message under the field (an empty message hides it); false for an unknown key.
    bool showError(const QString& key, const QString& message);
    void clearErrors();
    QString error(const QString& key) const;
    // The field of a key (for focus), or null.
    QWidget* field(const QString& key) const;
    // Focuses the first field (in form order) that has an error; false when none has.
    bool focusFirstError();

Q_SIGNALS:
    void edited();

private:
    void addRow(QFormLayout* form, const QString& key, const QString& label, QWidget* field,
                const QString& hint = {});

    QLineEdit* m_fullName = nullptr;
    QLineEdit* m_dateOfBirth = nullptr;
    QLineEdit* m_age = nullptr;
    QComboBox* m_sex = nullptr;
    QLineEdit* m_phone = nullptr;
    QLineEdit* m_nationalId = nullptr;
    QLineEdit* m_address = nullptr;
    QLineEdit* m_allergies = nullptr;
    QPlainTextEdit* m_remarks = nullptr;
    QStringList m_order;
    QHash<QString, QWidget*> m_fields;
    QHash<QString, QLabel*> m_errors;
    QHash<QString, QString> m_descriptions; // each field's accessible description without error
    QDate m_previousEstimate;
};

} // namespace openopd::app
