#include "core/reception/patient_form_rules.h"

#include "core/reception/patient_text.h"
#include "protocol/limits.h"
#include "protocol/validation.h"

#include <QLocale>
#include <QRegularExpression>

namespace openopd::app {
namespace {

namespace limits = protocol::limits;

const QDate kEarliestDate(1880, 1, 1); // the protocol's date range starts here

QString tooLong(qsizetype limit)
{
    return PatientFormRules::tr("Use at most %n characters.", nullptr, int(limit));
}

} // namespace

QDate PatientFormRules::estimatedDateOfBirth(int ageYears, const QDate& today)
{
    const QDate date = today.addYears(-ageYears);
    return date < kEarliestDate ? kEarliestDate : date;
}

QDate PatientFormRules::parseDate(const QString& text)
{
    const QString trimmed = text.trimmed();
    // Exactly YYYY-MM-DD: Qt's ISO parser reads the date and ignores whatever follows it.
    static const QRegularExpression isoDate(
        QRegularExpression::anchoredPattern(QStringLiteral("[0-9]{4}-[0-9]{2}-[0-9]{2}")));
    if (isoDate.match(trimmed).hasMatch())
        return QDate::fromString(trimmed, Qt::ISODate);
    // The locale's short format, with a four-digit year ("dd/MM/yy" -> "dd/MM/yyyy"): a
    // two-digit year is ambiguous for a birth date.
    QString format = QLocale().dateFormat(QLocale::ShortFormat);
    if (!format.contains(QStringLiteral("yyyy")))
        format.replace(QStringLiteral("yy"), QStringLiteral("yyyy"));
    const QDate date = QLocale().toDate(trimmed, format);
    return date.isValid() && date.year() >= 1000 ? date : QDate();
}

QStringList PatientFormRules::splitAllergies(const QString& text)
{
    static const QRegularExpression separators(QStringLiteral("[,;\\n]"));
    QStringList items;
    for (const QString& part : text.split(separators)) {
        const QString item = part.simplified();
        if (!item.isEmpty())
            items.append(item);
    }
    return items;
}

QString PatientFormRules::fieldKeyOf(const QString& servicePath)
{
    static const QString prefix = QStringLiteral("patient.");
    if (!servicePath.startsWith(prefix))
        return {};
    QString key = servicePath.mid(prefix.size());
    if (const qsizetype bracket = key.indexOf(u'['); bracket >= 0)
        key.truncate(bracket);
    static const QStringList known{
        QStringLiteral("national_id"),   QStringLiteral("full_name"),
        QStringLiteral("date_of_birth"), QStringLiteral("date_of_birth_estimated"),
        QStringLiteral("sex"),           QStringLiteral("phone"),
        QStringLiteral("address"),       QStringLiteral("allergies"),
        QStringLiteral("remarks")};
    if (!known.contains(key))
        return {};
    return key == QStringLiteral("date_of_birth_estimated") ? QStringLiteral("date_of_birth") : key;
}

PatientFormCheck PatientFormRules::check(const PatientFormInput& input, const QDate& today)
{
    PatientFormCheck result;
    protocol::PatientDetails& details = result.details;
    auto fail = [&result](const char* key, const QString& message) {
        result.errors.insert(QString::fromLatin1(key), message);
    };

    details.fullName = input.fullName.simplified();
    if (details.fullName.isEmpty())
        fail("full_name", tr("Enter the patient's full name."));
    else if (details.fullName.size() > limits::kName)
        fail("full_name", tooLong(limits::kName));

    details.nationalId = input.nationalId.trimmed();
    if (details.nationalId.size() > limits::kCode)
        fail("national_id", tooLong(limits::kCode));
    else if (!details.nationalId.isEmpty() && !protocol::isValidNationalId(details.nationalId))
        fail("national_id", tr("Use letters and digits, in groups separated by single spaces, "
                               "'.', '/' or '-'."));

    // Date of birth, or an age (then the date is an estimate).
    const QString dateText = input.dateOfBirth.trimmed();
    const QString ageText = input.age.trimmed();
    int age = -1;
    if (!ageText.isEmpty()) {
        bool isNumber = false;
        age = ageText.toInt(&isNumber);
        if (!isNumber || age < 0 || age > kMaxAge) {
            fail("age", tr("Enter the age in whole years, 0 to %1.").arg(kMaxAge));
            age = -1;
        }
    }
    if (!dateText.isEmpty()) {
        const QDate date = parseDate(dateText);
        if (!date.isValid())
            fail("date_of_birth", tr("Enter the date as YYYY-MM-DD (e.g. %1).")
                                      .arg(QDate(1984, 3, 2).toString(Qt::ISODate)));
        else if (date > today)
            fail("date_of_birth", tr("The date of birth cannot be in the future."));
        else if (date < kEarliestDate)
            fail("date_of_birth", tr("The date of birth cannot be before %1.")
                                      .arg(kEarliestDate.toString(Qt::ISODate)));
        else {
            details.dateOfBirth = date;
            const int years = PatientText::ageInYears(date, today);
            if (age >= 0 && age != years)
                fail("age", tr("Does not match the date of birth (%n years).", nullptr, years));
        }
    } else if (age >= 0) {
        const bool keep = input.previousEstimate.isValid() &&
                          PatientText::ageInYears(input.previousEstimate, today) == age;
        details.dateOfBirth = keep ? input.previousEstimate : estimatedDateOfBirth(age, today);
        details.dateOfBirthEstimated = true;
    } else if (ageText.isEmpty()) {
        fail("date_of_birth", tr("Enter the date of birth, or the age if the date is not known."));
    }

    if (input.sex)
        details.sex = *input.sex;
    else
        fail("sex", tr("Choose the sex (\"Unknown\" if it is not known)."));

    details.phone = input.phone.trimmed();
    if (details.phone.size() > limits::kPhone)
        fail("phone", tooLong(limits::kPhone));
    else if (!details.phone.isEmpty() && !protocol::isValidPhone(details.phone))
        fail("phone", tr("Enter a phone number: at least 3 digits, an optional leading '+', "
                         "spaces and ( ) . / -."));

    details.address = input.address.trimmed();
    if (details.address.size() > limits::kAddress)
        fail("address", tooLong(limits::kAddress));

    details.allergies = splitAllergies(input.allergies);
    if (details.allergies.size() > limits::kMaxAllergies)
        fail("allergies", tr("List at most %n allergies.", nullptr, int(limits::kMaxAllergies)));
    for (const QString& allergy : std::as_const(details.allergies)) {
        if (allergy.size() > limits::kName) {
            fail("allergies",
                 tr("Each allergy can have at most %n characters.", nullptr, int(limits::kName)));
            break;
        }
    }

    details.remarks = input.remarks.trimmed();
    if (details.remarks.size() > limits::kNote)
        fail("remarks", tooLong(limits::kNote));
    return result;
}

} // namespace openopd::app
