// openopd-registration on PostgreSQL (a throw-away server started by the test): the same
// schema through the other dialect — name search through patient_words, duplicates, updates,
// concurrent token allocation on two instances, the visit consumer, and generated patients.

#include "demo_people.h"
#include "registration_fixture.h"
#include "support/postgres_server.h"

#include <algorithm>
#include <numeric>

using namespace openopd;
using namespace openopd::testing;
using protocol::PatientSearchField;

class TestRegistrationPostgres : public QObject
{
    Q_OBJECT

    PostgresServer m_postgres;
    RegistrationFixture m_fixture;

    protocol::Patient create(const protocol::PatientDetails& details)
    {
        auto reply = m_fixture.call(protocol::kCreatePatient, createRequest(details));
        return reply.ok() && reply->patient ? *reply->patient : protocol::Patient{};
    }
    QStringList search(const QString& query, PatientSearchField by = PatientSearchField::Any)
    {
        auto reply = m_fixture.call(protocol::kSearchPatients,
                                    protocol::SearchPatientsRequest{query, by, 50});
        QStringList names;
        for (const protocol::Patient& patient :
             reply.ok() ? reply->patients : QList<protocol::Patient>{})
            names.append(patient.details.fullName);
        return names;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(m_postgres.start(), qPrintable(m_postgres.errorString()));
        QVERIFY2(m_postgres.createDatabase(QStringLiteral("registration")),
                 qPrintable(m_postgres.errorString()));
        QVERIFY2(m_fixture.start({}, m_postgres.connectionUrl(QStringLiteral("registration"))),
                 qPrintable(m_fixture.errorString()));
    }

    void patientsAndSearch()
    {
        const protocol::Patient jose =
            create(person(QStringLiteral("José Álvarez"), QDate(1970, 3, 4), {},
                          QStringLiteral("+34 612 345 678")));
        QVERIFY(!jose.id.isEmpty());
        QVERIFY(!create(person(QStringLiteral("Joseph Alvarado"), QDate(1985, 6, 7))).id.isEmpty());
        const protocol::Patient zoe =
            create(person(QStringLiteral("Zoë Ångström-Nkosi"), QDate(1985, 1, 1),
                          QStringLiteral("850101-14-5567")));
        QVERIFY(!zoe.id.isEmpty());
        QVERIFY(zoe.mrn != jose.mrn);

        QCOMPARE(search(QStringLiteral("alv"), PatientSearchField::Name),
                 (QStringList{jose.details.fullName, QStringLiteral("Joseph Alvarado")}));
        QCOMPARE(search(QStringLiteral("jose alv")),
                 (QStringList{jose.details.fullName, QStringLiteral("Joseph Alvarado")}));
        QCOMPARE(search(QStringLiteral("ALVAREZ jose")), QStringList{jose.details.fullName});
        QCOMPARE(search(QStringLiteral("zoë ång")), QStringList{zoe.details.fullName});
        QCOMPARE(search(QStringLiteral("nkosi")), QStringList{zoe.details.fullName});
        QCOMPARE(search(QStringLiteral("345 678")), QStringList{jose.details.fullName});
        QCOMPARE(search(QStringLiteral("850101145567")), QStringList{zoe.details.fullName});
        QCOMPARE(search(zoe.mrn.toLower()), QStringList{zoe.details.fullName});
        QCOMPARE(search(QStringLiteral("'; DROP TABLE patients; --")), QStringList{});

        // Duplicates: the national id is never bypassed; name + birth date unless confirmed.
        auto same = m_fixture.call(protocol::kCreatePatient,
                                   createRequest(person(QStringLiteral("Other"), QDate(1990, 1, 1),
                                                        QStringLiteral("850101 14 5567")),
                                                 true));
        QVERIFY(same.ok() && !same->created && same->duplicates.size() == 1);
        auto twin = m_fixture.call(
            protocol::kCreatePatient,
            createRequest(person(QStringLiteral("jose alvarez"), QDate(1970, 3, 4))));
        QVERIFY(twin.ok() && !twin->created);
        QCOMPARE(twin->duplicates.at(0).id, jose.id);

        // An update re-indexes the name words.
        protocol::UpdatePatientRequest update{receptionist(), jose.id, 1, jose.details};
        update.patient.fullName = QStringLiteral("José María Álvarez Peña");
        auto updated = m_fixture.call(protocol::kUpdatePatient, update);
        QVERIFY2(updated.ok(), qPrintable(updated.error().toString()));
        QCOMPARE(search(QStringLiteral("pena maria")), QStringList{update.patient.fullName});
        auto stale = m_fixture.call(protocol::kUpdatePatient, update);
        QCOMPARE(stale.error().code, 409);
    }

    void concurrentOpensOnTwoInstances()
    {
        constexpr int kPatients = 20;
        QList<QString> ids;
        for (int i = 0; i < kPatients; ++i) {
            ids.append(create(person(QStringLiteral("Postgres Patient %1").arg(i),
                                     QDate(1960, 1, 1).addDays(i)))
                           .id);
            QVERIFY(!ids.constLast().isEmpty());
        }
        auto second = m_fixture.startAnotherInstance();
        QVERIFY2(second, qPrintable(m_fixture.errorString()));
        QList<int> tokens;
        QStringList errors;
        QObject context;
        for (const QString& id : std::as_const(ids))
            bus::request(
                m_fixture.client(), protocol::kOpenVisit, openRequest(id, QStringLiteral("rush")),
                &context,
                [&](bus::Result<protocol::VisitReply> reply) {
                    if (reply.ok())
                        tokens.append(reply->visit.token);
                    else
                        errors.append(reply.error().toString());
                },
                bus::RequestOptions{std::chrono::seconds(30), {}, {}});
        QTRY_COMPARE_WITH_TIMEOUT(tokens.size() + errors.size(), kPatients, 40000);
        QVERIFY2(errors.isEmpty(), qPrintable(errors.join(u'\n')));
        std::sort(tokens.begin(), tokens.end());
        QList<int> expected(kPatients);
        std::iota(expected.begin(), expected.end(), 1);
        QCOMPARE(tokens, expected);
        QCOMPARE(second->terminate(), 0);

        // The consumer moves the visit on PostgreSQL too; a second open the same day is 409.
        auto again = m_fixture.call(protocol::kOpenVisit, openRequest(ids.at(0)));
        QCOMPARE(again.error().code, 409);
        protocol::WaitingListRequest list;
        list.queue = QStringLiteral("rush");
        auto waiting = m_fixture.call(protocol::kWaitingList, list);
        QVERIFY(waiting.ok());
        const protocol::Visit first = waiting->visits.at(0);
        QCOMPARE(first.token, 1);
        protocol::VisitStatusChange called{first.id,
                                           first.patientId,
                                           first.queue,
                                           first.day,
                                           first.token,
                                           protocol::VisitState::Called,
                                           protocol::nowUtc(),
                                           {},
                                           QStringLiteral("Room 1")};
        QVERIFY(m_fixture.publish(protocol::kVisitCalled,
                                  protocol::makeEvent(protocol::kVisitCalled, called, doctor())));
        QTRY_COMPARE(
            m_fixture.call(protocol::kGetVisit, protocol::GetVisitRequest{first.id})->visit.state,
            protocol::VisitState::Called);
    }

    void generatedPatients()
    {
        QVERIFY2(m_fixture.restart({QStringLiteral("--generate-patients"), QStringLiteral("3000")}),
                 qPrintable(m_fixture.errorString()));
        const protocol::PatientDetails expected = registration::demoPerson(1234, true);
        auto found = m_fixture.call(
            protocol::kSearchPatients,
            protocol::SearchPatientsRequest{expected.nationalId, PatientSearchField::NationalId});
        QVERIFY(found.ok());
        QCOMPARE(found->patients.size(), 1);
        QCOMPARE(found->patients.at(0).details, expected);
        QVERIFY(search(expected.fullName, PatientSearchField::Name).contains(expected.fullName));
        auto page = m_fixture.call(
            protocol::kSearchPatients,
            protocol::SearchPatientsRequest{QStringLiteral("a"), PatientSearchField::Name, 50});
        QVERIFY(page.ok());
        QCOMPARE(page->patients.size(), 50);
        QVERIFY(page->truncated);
    }

    void cleanupTestCase()
    {
        if (QTest::currentTestFailed())
            qWarning().noquote() << m_fixture.log();
        QCOMPARE(m_fixture.service().terminate(), 0);
    }
};

QTEST_GUILESS_MAIN(TestRegistrationPostgres)
#include "test_registration_postgres.moc"
