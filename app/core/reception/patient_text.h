#pragma once

// How the reception desk shows a patient's details (search results, the patient card):
// translated sex, the age in whole years ("~42" when only the age was known), dates.

#include "protocol/patient.h"

#include <QCoreApplication>
#include <QDate>
#include <QString>

namespace openopd::app {

class PatientText
{
    Q_DECLARE_TR_FUNCTIONS(PatientText)
public:
    static QString sex(protocol::Sex sex);
    // Whole years on today; -1 for an invalid or future date.
    static int ageInYears(const QDate& dateOfBirth, const QDate& today);
    // "42", or "~42" when the date of birth is an estimate; empty when unknown.
    static QString age(const protocol::PatientDetails& details, const QDate& today);
    // "1984-03-02", or "about 1984 (estimated)" for an estimate.
    static QString dateOfBirth(const protocol::PatientDetails& details);
};

} // namespace openopd::app
