// openopd-registration as a real process: patients — MRNs, duplicate detection, updates with
// revisions, get, search (prefix, word, case, accents, phone, national id, MRN), demo seed
// idempotence, and search over 20,000 generated patients.

#include "demo_people.h"
#include "demo_seed.h"
#include "registration_fixture.h"
#include "search_keys.h"

#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>

using namespace openopd;
using namespace openopd::testing;
using protocol::PatientSearchField;

class TestRegistrationPatients : public QObject
{
    Q_OBJECT

    RegistrationFixture m_fixture;
    QHash<QString, protocol::Patient> m_people; // by full name

    protocol::Patient create(const protocol::PatientDetails& details, bool confirm = false)
    {
        auto reply = m_fixture.call(protocol::kCreatePatient, createRequest(details, confirm));
        if (!reply.ok() || !reply->created || !reply->patient) {
            qWarning() << "create failed:" << reply.error().toString();
            return {};
        }
        return *reply->patient;
    }

    QStringList search(const QString& query, PatientSearchField by = PatientSearchField::Any,
                       int limit = 50, bool* truncated = nullptr)
    {
        auto reply = m_fixture.call(protocol::kSearchPatients,
                                    protocol::SearchPatientsRequest{query, by, limit});
        if (!reply.ok()) {
            qWarning() << "search failed:" << reply.error().toString();
            return {QStringLiteral("<error>")};
        }
        if (truncated)
            *truncated = reply->truncated;
        QStringList names;
        for (const protocol::Patient& patient : reply->patients)
            names.append(patient.details.fullName);
        return names;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(m_fixture.start(), qPrintable(m_fixture.errorString()));
        const QList<protocol::PatientDetails> people{
            person(QStringLiteral("José Álvarez"), QDate(1970, 3, 4), {},
                   QStringLiteral("+34 612 345 678")),
            person(QStringLiteral("Joseph Alvarado"), QDate(1985, 6, 7)),
            person(QStringLiteral("María José Núñez"), QDate(1992, 1, 30)),
            person(QStringLiteral("Zoë Ångström-Nkosi"), QDate(1985, 1, 1),
                   QStringLiteral("850101-14-5567"), QStringLiteral("+27 82 555 0123")),
            person(QStringLiteral("Seán O'Brien"), QDate(1960, 12, 24)),
            person(QStringLiteral("Ana Silva"), QDate(2001, 9, 9), QStringLiteral("AB 12 34 56 C")),
        };
        for (const protocol::PatientDetails& details : people) {
            const protocol::Patient patient = create(details);
            QVERIFY(!patient.id.isEmpty());
            m_people.insert(details.fullName, patient);
        }
    }

    void createAssignsMrnsAndPublishes()
    {
        const QRegularExpression mrn(QStringLiteral("^MRN-\\d{6,}$"));
        QSet<QString> mrns;
        for (const protocol::Patient& patient : std::as_const(m_people)) {
            QVERIFY2(mrn.match(patient.mrn).hasMatch(), qPrintable(patient.mrn));
            mrns.insert(patient.mrn);
            QCOMPARE(patient.revision, 1);
            QCOMPARE(patient.registeredBy, receptionist());
            QCOMPARE(patient.updatedAt, patient.registeredAt);
        }
        QCOMPARE(mrns.size(), m_people.size());
        QTRY_COMPARE(m_fixture.stored(QStringLiteral("opd.events.patient.registered")),
                     m_people.size());
        const QList<QJsonObject> events =
            m_fixture.storedEvents(QStringLiteral("opd.events.patient.registered"));
        QCOMPARE(events.size(), m_people.size());
        auto event = protocol::EventEnvelope<protocol::Patient>::fromJson(events.constFirst());
        QVERIFY2(event.ok(), qPrintable(event.error().toString()));
        QCOMPARE(event->actor, receptionist());
        QCOMPARE(event->payload, m_people.value(event->payload.details.fullName));
        QCOMPARE(event->patientId, event->payload.id);
    }

    void aGivenMrnIsKeptAndMustBeFree()
    {
        auto request = createRequest(person(QStringLiteral("Kept Mrn"), QDate(1999, 1, 1)));
        request.mrn = QStringLiteral("EXT-42");
        auto first = m_fixture.call(protocol::kCreatePatient, request);
        QVERIFY(first.ok() && first->created);
        QCOMPARE(first->patient->mrn, QStringLiteral("EXT-42"));
        request.patient.fullName = QStringLiteral("Other Person");
        request.mrn = QStringLiteral("ext-42");
        auto second = m_fixture.call(protocol::kCreatePatient, request);
        QVERIFY(!second.ok());
        QCOMPARE(second.error().code, 409);
        QCOMPARE(second.error().field, QStringLiteral("mrn"));
        QVERIFY(search(QStringLiteral("other person"), PatientSearchField::Name).isEmpty());
    }

    void sameNationalIdIsReportedEvenWhenConfirmed()
    {
        const qint64 events = m_fixture.stored(QStringLiteral("opd.events.>"));
        for (const bool confirm : {false, true}) {
            // The same id written with other separators is the same id.
            auto reply =
                m_fixture.call(protocol::kCreatePatient,
                               createRequest(person(QStringLiteral("Zoe Nkosi"), QDate(1985, 1, 2),
                                                    QStringLiteral("850101 14 5567")),
                                             confirm));
            QVERIFY2(reply.ok(), qPrintable(reply.error().toString()));
            QVERIFY(!reply->created);
            QVERIFY(!reply->patient);
            QCOMPARE(reply->duplicates.size(), 1);
            QCOMPARE(reply->duplicates.at(0).id,
                     m_people.value(QStringLiteral("Zoë Ångström-Nkosi")).id);
        }
        QTest::qWait(300);
        QCOMPARE(m_fixture.stored(QStringLiteral("opd.events.>")), events);
    }

    void sameNameAndBirthIsReportedUnlessConfirmed()
    {
        const protocol::Patient pedro =
            create(person(QStringLiteral("Pedro Gómez"), QDate(1970, 3, 4)));
        QVERIFY(!pedro.id.isEmpty());
        // Case, accents and spacing do not make another person.
        const protocol::PatientDetails twin =
            person(QStringLiteral("PEDRO  gomez"), QDate(1970, 3, 4));
        auto reply = m_fixture.call(protocol::kCreatePatient, createRequest(twin));
        QVERIFY(reply.ok());
        QVERIFY(!reply->created);
        QCOMPARE(reply->duplicates.size(), 1);
        QCOMPARE(reply->duplicates.at(0).id, pedro.id);
        // Another birth date is another person.
        QVERIFY(!create(person(QStringLiteral("Pedro Gómez"), QDate(1971, 3, 4))).id.isEmpty());
        // Confirmed: created anyway.
        const protocol::Patient confirmed = create(twin, true);
        QVERIFY(!confirmed.id.isEmpty());
        QCOMPARE(confirmed.details.fullName, twin.fullName);
    }

    void updateChecksRevisionAndNationalId()
    {
        const protocol::Patient ana = m_people.value(QStringLiteral("Ana Silva"));
        protocol::UpdatePatientRequest request{receptionist(), ana.id, 1, ana.details};
        request.patient.fullName = QStringLiteral("Ana Beatriz Silva");
        request.patient.phone = QStringLiteral("+55 11 98765 4321");
        request.staff = doctor();
        auto updated = m_fixture.call(protocol::kUpdatePatient, request);
        QVERIFY2(updated.ok(), qPrintable(updated.error().toString()));
        QCOMPARE(updated->patient.revision, 2);
        QCOMPARE(updated->patient.mrn, ana.mrn);
        QCOMPARE(updated->patient.registeredAt, ana.registeredAt);
        QCOMPARE(updated->patient.updatedBy, doctor());
        QVERIFY(updated->patient.updatedAt >= ana.updatedAt);
        QTRY_COMPARE(m_fixture.stored(QStringLiteral("opd.events.patient.updated")), 1);
        // The search follows the new name and phone.
        QCOMPARE(search(QStringLiteral("beatriz")),
                 QStringList{QStringLiteral("Ana Beatriz Silva")});
        QCOMPARE(search(QStringLiteral("98765 4321")),
                 QStringList{QStringLiteral("Ana Beatriz Silva")});

        auto stale = m_fixture.call(protocol::kUpdatePatient, request); // revision 1 again
        QVERIFY(!stale.ok());
        QCOMPARE(stale.error().code, 409);
        QCOMPARE(stale.error().field, QStringLiteral("revision"));

        request.revision = 2;
        request.patient.nationalId = QStringLiteral("850101-14-5567"); // Zoë's
        auto taken = m_fixture.call(protocol::kUpdatePatient, request);
        QVERIFY(!taken.ok());
        QCOMPARE(taken.error().code, 409);
        QCOMPARE(taken.error().field, QStringLiteral("patient.national_id"));

        auto get = m_fixture.call(protocol::kGetPatient, protocol::GetPatientRequest{ana.id, {}});
        QVERIFY(get.ok());
        QCOMPARE(get->patient, updated->patient);
        auto byMrn = m_fixture.call(protocol::kGetPatient,
                                    protocol::GetPatientRequest{{}, ana.mrn.toLower()});
        QVERIFY(byMrn.ok());
        QCOMPARE(byMrn->patient.id, ana.id);
        QCOMPARE(m_fixture.stored(QStringLiteral("opd.events.patient.updated")), 1);
    }

    void search_data()
    {
        QTest::addColumn<QString>("query");
        QTest::addColumn<int>("by");               // PatientSearchField
        QTest::addColumn<QStringList>("expected"); // in order
        const int name = static_cast<int>(PatientSearchField::Name);
        const int any = static_cast<int>(PatientSearchField::Any);
        const int phone = static_cast<int>(PatientSearchField::Phone);
        const int nationalId = static_cast<int>(PatientSearchField::NationalId);
        const QString jose = QStringLiteral("José Álvarez");
        const QString zoe = QStringLiteral("Zoë Ångström-Nkosi");
        QTest::newRow("word, no accent") << QStringLiteral("alvarez") << name << QStringList{jose};
        QTest::newRow("word prefix") << QStringLiteral("alv") << name
                                     << QStringList{jose, QStringLiteral("Joseph Alvarado")};
        QTest::newRow("upper case") << QStringLiteral("ÁLVAREZ") << name << QStringList{jose};
        QTest::newRow("name prefix first") << QStringLiteral("jose alv") << name
                                           << QStringList{jose, QStringLiteral("Joseph Alvarado")};
        QTest::newRow("words in any order")
            << QStringLiteral("alvarez jose") << any << QStringList{jose};
        QTest::newRow("first name is a word")
            << QStringLiteral("jose") << name
            << QStringList{jose, QStringLiteral("Joseph Alvarado"),
                           QStringLiteral("María José Núñez")};
        QTest::newRow("accents typed") << QStringLiteral("zoë ång") << name << QStringList{zoe};
        QTest::newRow("hyphenated part") << QStringLiteral("nkosi") << any << QStringList{zoe};
        QTest::newRow("apostrophe")
            << QStringLiteral("o'brien") << any << QStringList{QStringLiteral("Seán O'Brien")};
        QTest::newRow("phone, local form")
            << QStringLiteral("082 555 0123") << any << QStringList{zoe};
        QTest::newRow("phone, digits")
            << QStringLiteral("27825550123") << phone << QStringList{zoe};
        QTest::newRow("phone, tail") << QStringLiteral("345 678") << phone << QStringList{jose};
        QTest::newRow("national id") << QStringLiteral("850101-14-5567") << any << QStringList{zoe};
        QTest::newRow("national id, other form")
            << QStringLiteral("ab123456c") << nationalId
            << QStringList{QStringLiteral("Ana Beatriz Silva")};
        QTest::newRow("nothing") << QStringLiteral("xyzzy") << any << QStringList{};
        QTest::newRow("fts syntax is text")
            << QStringLiteral("jose\" OR \"ana") << name << QStringList{};
        QTest::newRow("sql is text")
            << QStringLiteral("'; DROP TABLE patients; --") << any << QStringList{};
        QTest::newRow("star") << QStringLiteral("*") << any << QStringList{};
        QTest::newRow("fts operators")
            << QStringLiteral("NEAR(jose ana) AND NOT x") << name << QStringList{};
        QTest::newRow("name field ignores phones")
            << QStringLiteral("0123") << name << QStringList{};
    }
    void search()
    {
        QFETCH(QString, query);
        QFETCH(int, by);
        QFETCH(QStringList, expected);
        QCOMPARE(search(query, static_cast<PatientSearchField>(by)), expected);
    }

    void searchByMrn()
    {
        const protocol::Patient zoe = m_people.value(QStringLiteral("Zoë Ångström-Nkosi"));
        QCOMPARE(search(zoe.mrn.toLower()), QStringList{zoe.details.fullName});
        QCOMPARE(search(zoe.mrn, PatientSearchField::Mrn), QStringList{zoe.details.fullName});
        QCOMPARE(search(zoe.mrn, PatientSearchField::Phone), QStringList{});
    }

    void searchLimitsAndSaysTruncated()
    {
        for (int i = 0; i < 5; ++i)
            QVERIFY(!create(person(QStringLiteral("Limit Tester %1").arg(i), QDate(1950, 1, 1 + i)))
                         .id.isEmpty());
        bool truncated = false;
        QCOMPARE(
            search(QStringLiteral("limit tester"), PatientSearchField::Name, 3, &truncated).size(),
            3);
        QVERIFY(truncated);
        QCOMPARE(search(QStringLiteral("tester"), PatientSearchField::Name, 5, &truncated).size(),
                 5);
        QVERIFY(!truncated);
    }

    void seedDemoIsIdempotent()
    {
        const QString registered = QStringLiteral("opd.events.patient.registered");
        const qint64 before = m_fixture.stored(registered);
        QVERIFY2(m_fixture.restart({QStringLiteral("--seed-demo")}),
                 qPrintable(m_fixture.errorString()));
        QTRY_COMPARE(m_fixture.stored(registered), before + registration::kDemoPatients);
        QVERIFY2(m_fixture.restart({QStringLiteral("--seed-demo")}),
                 qPrintable(m_fixture.errorString()));
        QTest::qWait(500);
        QCOMPARE(m_fixture.stored(registered), before + registration::kDemoPatients);
        QVERIFY(m_fixture.log().contains(QStringLiteral("added 0 demo patients")));
        // Demo patients are searchable like any other.
        const protocol::PatientDetails demo = registration::demoPerson(0, false);
        QVERIFY(search(demo.fullName, PatientSearchField::Name).contains(demo.fullName));
    }

    void searchOverGeneratedPatients()
    {
        constexpr int kGenerated = 20000;
        const QString events = QStringLiteral("opd.events.>");
        const qint64 before = m_fixture.stored(events);
        const QStringList generate{QStringLiteral("--generate-patients"),
                                   QString::number(kGenerated)};
        QVERIFY2(m_fixture.restart(generate), qPrintable(m_fixture.errorString()));
        QVERIFY(m_fixture.log().contains(QStringLiteral("added 20000 synthetic patients")));
        QCOMPARE(m_fixture.stored(events), before); // no events for synthetic patients
        QVERIFY2(m_fixture.restart(generate), qPrintable(m_fixture.errorString()));
        QVERIFY(m_fixture.log().contains(QStringLiteral("added 0 synthetic patients")));

        for (const int index : {0, 4711, kGenerated - 1}) {
            const protocol::PatientDetails expected = registration::demoPerson(index, true);
            auto reply = m_fixture.call(protocol::kSearchPatients,
                                        protocol::SearchPatientsRequest{
                                            expected.nationalId, PatientSearchField::NationalId});
            QVERIFY(reply.ok());
            QCOMPARE(reply->patients.size(), 1);
            QCOMPARE(reply->patients.at(0).details, expected);
            QVERIFY(
                search(expected.fullName, PatientSearchField::Name).contains(expected.fullName));
        }
        // Every answer matches every word as a prefix; a full page is marked truncated.
        for (const QString& query : {QStringLiteral("jo"), QStringLiteral("a"),
                                     QStringLiteral("ngu"), QStringLiteral("mar silv")}) {
            auto reply = m_fixture.call(
                protocol::kSearchPatients,
                protocol::SearchPatientsRequest{query, PatientSearchField::Name, 50});
            QVERIFY(reply.ok());
            QVERIFY(!reply->patients.isEmpty());
            if (query.size() <= 3) {
                QCOMPARE(reply->patients.size(), 50);
                QVERIFY(reply->truncated);
            }
            const QStringList words = registration::nameWords(registration::nameKey(query));
            for (const protocol::Patient& patient : reply->patients) {
                const QStringList nameWords =
                    registration::nameWords(registration::nameKey(patient.details.fullName), 64);
                for (const QString& word : words)
                    QVERIFY2(std::any_of(nameWords.begin(), nameWords.end(),
                                         [&](const QString& w) { return w.startsWith(word); }),
                             qPrintable(query + u" -> " + patient.details.fullName));
            }
        }
    }

    void renamedPatientLeavesTheOldNameBehind()
    {
        const protocol::Patient quirino =
            create(person(QStringLiteral("Quirino Tavares"), QDate(1977, 7, 7)));
        QVERIFY(!quirino.id.isEmpty());
        QCOMPARE(search(QStringLiteral("tavares")), QStringList{quirino.details.fullName});
        protocol::UpdatePatientRequest request{receptionist(), quirino.id, 1, quirino.details};
        request.patient.fullName = QStringLiteral("Quirino Xavier");
        auto updated = m_fixture.call(protocol::kUpdatePatient, request);
        QVERIFY2(updated.ok(), qPrintable(updated.error().toString()));
        QCOMPARE(search(QStringLiteral("tavares")), QStringList{});
        QCOMPARE(search(QStringLiteral("xavier")), QStringList{QStringLiteral("Quirino Xavier")});
    }

    void cleanupTestCase()
    {
        QCOMPARE(m_fixture.service().terminate(), 0);
        // New names are indexed at commit, renamed ones by trigger: FTS5's own check that the
        // index holds exactly the patients' names, and the counter at the last patient.
        {
            auto db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("check"));
            db.setDatabaseName(m_fixture.sqliteFile());
            QVERIFY(db.open());
            QSqlQuery query(db);
            QVERIFY2(query.exec(QStringLiteral("INSERT INTO patients_fts (patients_fts, rank)"
                                               " VALUES ('integrity-check', 1)")),
                     qPrintable(query.lastError().text()));
            QVERIFY(query.exec(QStringLiteral(
                "SELECT (SELECT value FROM counters WHERE name = 'patients_fts_indexed'),"
                " (SELECT MAX(seq) FROM patients), (SELECT COUNT(*) FROM patients)")));
            QVERIFY(query.next());
            QVERIFY(query.value(2).toLongLong() > 20000);
            QCOMPARE(query.value(0).toLongLong(), query.value(1).toLongLong());
        }
        QSqlDatabase::removeDatabase(QStringLiteral("check"));
    }
};

QTEST_GUILESS_MAIN(TestRegistrationPatients)
#include "test_registration_patients.moc"
