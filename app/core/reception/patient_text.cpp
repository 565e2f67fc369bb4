#include "core/reception/patient_text.h"

namespace openopd::app {

QString PatientText::sex(protocol::Sex sex)
{
    switch (sex) {
    case protocol::Sex::Female:
        return tr("Female");
    case protocol::Sex::Male:
        return tr("Male");
    case protocol::Sex::Other:
        return tr("Other");
    case protocol::Sex::Unknown:
        break;
    }
    return tr("Unknown");
}

int PatientText::ageInYears(const QDate& dateOfBirth, const QDate& today)
{
    if (!dateOfBirth.isValid() || !today.isValid() || dateOfBirth > today)
        return -1;
    int years = today.year() - dateOfBirth.year();
    if (today.month() < dateOfBirth.month() ||
        (today.month() == dateOfBirth.month() && today.day() < dateOfBirth.day()))
        --years;
    return years;
}

QString PatientText::age(const protocol::PatientDetails& details, const QDate& today)
{
    const int years = ageInYears(details.dateOfBirth, today);
    if (years < 0)
        return {};
    //: An age in years that is only an estimate (the patient knew their age, not the date).
    return details.dateOfBirthEstimated ? tr("~%1").arg(years) : QString::number(years);
}

QString PatientText::dateOfBirth(const protocol::PatientDetails& details)
{
    if (!details.dateOfBirth.isValid())
        return {};
    if (details.dateOfBirthEstimated)
        return tr("about %1 (estimated from the age)").arg(details.dateOfBirth.year());
    return details.dateOfBirth.toString(Qt::ISODate);
}

} // namespace openopd::app
