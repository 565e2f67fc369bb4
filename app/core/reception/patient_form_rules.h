#pragma once

// Client-side checks of the patient form (register and edit), before anything is sent: the
// rules of PatientDetails (docs/protocol.md) plus what only the desk can know (a date of
// birth is not in the future; an age matches the date of birth). A date of birth or an age
// is required; an age alone becomes an estimated date of birth (today minus the age in
// years, date_of_birth_estimated true). No widgets: unit-tested on its own.

#include "protocol/patient.h"

#include <QCoreApplication>
#include <QDate>
#include <QHash>
#include <optional>

namespace openopd::app {

// The form as typed.
struct PatientFormInput
{
    QString nationalId;
    QString fullName;
    QString dateOfBirth; // YYYY-MM-DD, or the locale's short date format
    QString age;         // whole years
    std::optional<protocol::Sex> sex;
    QString phone;
    QString address;
    QString allergies; // separated by commas, semicolons or new lines
    QString remarks;
    // When editing a patient whose date of birth is an estimate: kept as long as the age
    // typed is still the age it gives (re-estimating on every edit would move it).
    QDate previousEstimate;
};

struct PatientFormCheck
{
    protocol::PatientDetails details; // complete only when ok()
    // Field key -> translated message. Keys are the PatientDetails wire names ("full_name",
    // "date_of_birth", "phone", ...) plus "age".
    QHash<QString, QString> errors;

    bool ok() const { return errors.isEmpty(); }
};

class PatientFormRules
{
    Q_DECLARE_TR_FUNCTIONS(PatientFormRules)
public:
    static PatientFormCheck check(const PatientFormInput& input, const QDate& today);

    // Today minus the age in whole years (never before the protocol's 1880-01-01).
    static QDate estimatedDateOfBirth(int ageYears, const QDate& today);
    // YYYY-MM-DD or the locale's short format (with a four-digit year); invalid otherwise.
    static QDate parseDate(const QString& text);
    static QStringList splitAllergies(const QString& text);
    // The form's field key for a service error's `field` path ("patient.phone" -> "phone",
    // "patient.allergies[2]" -> "allergies"); empty when it is not a form field.
    static QString fieldKeyOf(const QString& servicePath);

    static constexpr int kMaxAge = 150;
};

} // namespace openopd::app
