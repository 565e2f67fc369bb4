// The patient form's client-side rules (PatientFormRules): what is refused before anything
// is sent, under which field, and what an accepted form becomes (PatientDetails).

#include "core/reception/patient_form_rules.h"
#include "core/reception/patient_text.h"

#include <QTest>

using namespace openopd;
using namespace openopd::app;

namespace {

const QDate kToday(2026, 11, 30);

PatientFormInput valid()
{
    PatientFormInput input;
    input.fullName = QStringLiteral("  Zoë   Ångström-Nkosi ");
    input.dateOfBirth = QStringLiteral("1985-01-01");
    input.sex = protocol::Sex::Female;
    input.phone = QStringLiteral("+27 82 555 0123");
    input.nationalId = QStringLiteral("850101-14-5567");
    input.allergies = QStringLiteral("penicillin, peanuts;\n latex ,,");
    return input;
}

} // namespace

class TestAppPatientFormRules : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void aCompleteFormBecomesPatientDetails();
    void eachBadFieldIsReportedUnderItsKey_data();
    void eachBadFieldIsReportedUnderItsKey();
    void anAgeAloneBecomesAnEstimatedDateOfBirth();
    void anEditKeepsTheEstimateWhileTheAgeIsUnchanged();
    void anAgeMustMatchTheDateOfBirth();
    void serviceFieldPathsMapToFormFields();
    void ageText();
};

void TestAppPatientFormRules::aCompleteFormBecomesPatientDetails()
{
    const PatientFormCheck check = PatientFormRules::check(valid(), kToday);
    QVERIFY2(check.ok(), qPrintable(QStringList(check.errors.values()).join(u'|')));
    QCOMPARE(check.details.fullName, QStringLiteral("Zoë Ångström-Nkosi"));
    QCOMPARE(check.details.dateOfBirth, QDate(1985, 1, 1));
    QVERIFY(!check.details.dateOfBirthEstimated);
    QCOMPARE(check.details.sex, protocol::Sex::Female);
    QCOMPARE(check.details.phone, QStringLiteral("+27 82 555 0123"));
    QCOMPARE(check.details.allergies,
             (QStringList{QStringLiteral("penicillin"), QStringLiteral("peanuts"),
                          QStringLiteral("latex")}));
}

void TestAppPatientFormRules::eachBadFieldIsReportedUnderItsKey_data()
{
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("key");
    QTest::newRow("no name") << "full_name"
                             << "   "
                             << "full_name";
    QTest::newRow("long name") << "full_name" << QString(201, u'a') << "full_name";
    QTest::newRow("phone letters") << "phone"
                                   << "call me"
                                   << "phone";
    QTest::newRow("phone 2 digits") << "phone"
                                    << "+12"
                                    << "phone";
    QTest::newRow("phone too long") << "phone" << QString(33, u'1') << "phone";
    QTest::newRow("national id") << "national_id"
                                 << "85--01"
                                 << "national_id";
    QTest::newRow("date garbage") << "date_of_birth"
                                  << "yesterday"
                                  << "date_of_birth";
    // Qt's ISO parser stops after the date and ignores what follows: a slip of the keyboard
    // must not be stored as if it were not there.
    QTest::newRow("date with trailing text") << "date_of_birth"
                                             << "1990-04-02s"
                                             << "date_of_birth";
    QTest::newRow("date with a time") << "date_of_birth"
                                      << "1990-04-02T10:00"
                                      << "date_of_birth";
    QTest::newRow("date future") << "date_of_birth"
                                 << "2026-12-01"
                                 << "date_of_birth";
    QTest::newRow("date too old") << "date_of_birth"
                                  << "1879-12-31"
                                  << "date_of_birth";
    QTest::newRow("no date no age") << "date_of_birth"
                                    << ""
                                    << "date_of_birth";
    QTest::newRow("age not a number") << "age"
                                      << "forty"
                                      << "age";
    QTest::newRow("age too high") << "age"
                                  << "151"
                                  << "age";
    QTest::newRow("no sex") << "sex"
                            << ""
                            << "sex";
    QTest::newRow("address") << "address" << QString(501, u'x') << "address";
    QTest::newRow("allergy too long") << "allergies" << QString(201, u'x') << "allergies";
    QTest::newRow("too many allergies")
        << "allergies" << QStringLiteral("a,").repeated(51) << "allergies";
    QTest::newRow("remarks") << "remarks" << QString(4001, u'x') << "remarks";
}

void TestAppPatientFormRules::eachBadFieldIsReportedUnderItsKey()
{
    QFETCH(QString, field);
    QFETCH(QString, value);
    QFETCH(QString, key);
    PatientFormInput input = valid();
    if (field == u"full_name")
        input.fullName = value;
    else if (field == u"phone")
        input.phone = value;
    else if (field == u"national_id")
        input.nationalId = value;
    else if (field == u"date_of_birth")
        input.dateOfBirth = value;
    else if (field == u"age") {
        input.dateOfBirth.clear();
        input.age = value;
    } else if (field == u"sex")
        input.sex.reset();
    else if (field == u"address")
        input.address = value;
    else if (field == u"allergies")
        input.allergies = value;
    else if (field == u"remarks")
        input.remarks = value;
    const PatientFormCheck check = PatientFormRules::check(input, kToday);
    QCOMPARE(check.errors.keys(), QStringList{key});
    QVERIFY(!check.errors.value(key).isEmpty());
}

void TestAppPatientFormRules::anAgeAloneBecomesAnEstimatedDateOfBirth()
{
    PatientFormInput input = valid();
    input.dateOfBirth.clear();
    input.age = QStringLiteral(" 42 ");
    const PatientFormCheck check = PatientFormRules::check(input, kToday);
    QVERIFY(check.ok());
    QCOMPARE(check.details.dateOfBirth, QDate(1984, 11, 30));
    QVERIFY(check.details.dateOfBirthEstimated);
    QCOMPARE(PatientText::ageInYears(check.details.dateOfBirth, kToday), 42);
    // A newborn: today; and a very old age never goes before the protocol's first date.
    QCOMPARE(PatientFormRules::estimatedDateOfBirth(0, kToday), kToday);
    QCOMPARE(PatientFormRules::estimatedDateOfBirth(150, QDate(2029, 1, 1)), QDate(1880, 1, 1));
}

void TestAppPatientFormRules::anEditKeepsTheEstimateWhileTheAgeIsUnchanged()
{
    PatientFormInput input = valid();
    input.dateOfBirth.clear();
    input.previousEstimate = QDate(1984, 6, 1); // 42 on kToday
    input.age = QStringLiteral("42");
    QCOMPARE(PatientFormRules::check(input, kToday).details.dateOfBirth, QDate(1984, 6, 1));
    input.age = QStringLiteral("43");
    QCOMPARE(PatientFormRules::check(input, kToday).details.dateOfBirth, QDate(1983, 11, 30));
}

void TestAppPatientFormRules::anAgeMustMatchTheDateOfBirth()
{
    PatientFormInput input = valid(); // born 1985-01-01: 41 on kToday
    input.age = QStringLiteral("41");
    QVERIFY(PatientFormRules::check(input, kToday).ok());
    input.age = QStringLiteral("42");
    const PatientFormCheck check = PatientFormRules::check(input, kToday);
    QCOMPARE(check.errors.keys(), QStringList{QStringLiteral("age")});
    QVERIFY2(check.errors.value(QStringLiteral("age")).contains(u"41"),
             qPrintable(check.errors.value(QStringLiteral("age"))));
}

void TestAppPatientFormRules::serviceFieldPathsMapToFormFields()
{
    QCOMPARE(PatientFormRules::fieldKeyOf(QStringLiteral("patient.full_name")),
             QStringLiteral("full_name"));
    QCOMPARE(PatientFormRules::fieldKeyOf(QStringLiteral("patient.allergies[3]")),
             QStringLiteral("allergies"));
    QCOMPARE(PatientFormRules::fieldKeyOf(QStringLiteral("patient.date_of_birth_estimated")),
             QStringLiteral("date_of_birth"));
    QCOMPARE(PatientFormRules::fieldKeyOf(QStringLiteral("patient.national_id")),
             QStringLiteral("national_id"));
    QVERIFY(PatientFormRules::fieldKeyOf(QStringLiteral("revision")).isEmpty());
    QVERIFY(PatientFormRules::fieldKeyOf(QStringLiteral("mrn")).isEmpty());
    QVERIFY(PatientFormRules::fieldKeyOf(QStringLiteral("patient.nonsense")).isEmpty());
}

void TestAppPatientFormRules::ageText()
{
    protocol::PatientDetails details;
    details.dateOfBirth = QDate(1985, 12, 1);
    QCOMPARE(PatientText::age(details, kToday), QStringLiteral("40"));
    details.dateOfBirthEstimated = true;
    QCOMPARE(PatientText::age(details, kToday), QStringLiteral("~40"));
    details.dateOfBirth = QDate(2027, 1, 1);
    QVERIFY(PatientText::age(details, kToday).isEmpty());
}

QTEST_GUILESS_MAIN(TestAppPatientFormRules)
#include "test_app_patient_form_rules.moc"
