// Two openopd-registration instances on one PostgreSQL database racing on the same row:
// each reads the row in its own transaction, and both write. Without a conditional write
// both succeed (a lost update: two patient edits on one revision, a visit both cancelled and
// left unseen, with an event for each); with it exactly one wins and the other answers 409.
// Several rounds, because which instance serves a request is the server's choice.

#include "registration_fixture.h"
#include "support/postgres_server.h"

using namespace openopd;
using namespace openopd::testing;

namespace {
bus::RequestOptions longWait()
{
    bus::RequestOptions options;
    options.timeout = std::chrono::seconds(30);
    return options;
}
} // namespace

class TestRegistrationRaces : public QObject
{
    Q_OBJECT

    PostgresServer m_postgres;
    RegistrationFixture m_fixture;
    std::unique_ptr<ServiceProcess> m_second;

    // Sends every request at once; counts the successes and the 409s.
    template <class Req, class Rep>
    void race(const bus::Endpoint<Req, Rep>& endpoint, const QList<Req>& requests, int* ok,
              int* conflicts, QStringList* others)
    {
        int answered = 0;
        QObject context;
        for (const Req& request : requests)
            bus::request(
                m_fixture.client(), endpoint, request, &context,
                [&](bus::Result<Rep> reply) {
                    ++answered;
                    if (reply.ok())
                        ++*ok;
                    else if (reply.error().code == 409)
                        ++*conflicts;
                    else
                        others->append(reply.error().toString());
                },
                longWait());
        QTRY_COMPARE_WITH_TIMEOUT(answered, requests.size(), 40000);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(m_postgres.start(), qPrintable(m_postgres.errorString()));
        QVERIFY2(m_postgres.createDatabase(QStringLiteral("registration")),
                 qPrintable(m_postgres.errorString()));
        QVERIFY2(m_fixture.start({}, m_postgres.connectionUrl(QStringLiteral("registration"))),
                 qPrintable(m_fixture.errorString()));
        m_second = m_fixture.startAnotherInstance();
        QVERIFY2(m_second, qPrintable(m_fixture.errorString()));
    }

    void patientEditsOnOneRevision()
    {
        auto created = m_fixture.call(
            protocol::kCreatePatient,
            createRequest(person(QStringLiteral("Race Patient"), QDate(1970, 1, 1))));
        QVERIFY(created.ok() && created->patient);
        const QString id = created->patient->id;
        constexpr int kRounds = 15;
        constexpr int kEditors = 8;
        for (int round = 1; round <= kRounds; ++round) {
            QList<protocol::UpdatePatientRequest> edits;
            for (int e = 0; e < kEditors; ++e) {
                protocol::UpdatePatientRequest edit;
                edit.staff = receptionist();
                edit.patientId = id;
                edit.revision = round; // every editor read the same revision
                edit.patient = person(QStringLiteral("Race Patient %1-%2").arg(round).arg(e),
                                      QDate(1970, 1, 1));
                edits.append(edit);
            }
            int ok = 0, conflicts = 0;
            QStringList others;
            race(protocol::kUpdatePatient, edits, &ok, &conflicts, &others);
            QVERIFY2(others.isEmpty(), qPrintable(others.join(u'\n')));
            QCOMPARE(ok, 1);
            QCOMPARE(conflicts, kEditors - 1);
        }
        auto now = m_fixture.call(protocol::kGetPatient, protocol::GetPatientRequest{id, {}});
        QVERIFY(now.ok());
        QCOMPARE(now->patient.revision, kRounds + 1);
        QTRY_COMPARE_WITH_TIMEOUT(m_fixture.stored(QStringLiteral("opd.events.patient.updated")),
                                  qint64{kRounds}, 15000);
    }

    void cancelAndLeftUnseenOnOneVisit()
    {
        constexpr int kVisits = 12;
        for (int i = 0; i < kVisits; ++i) {
            auto patient =
                m_fixture.call(protocol::kCreatePatient,
                               createRequest(person(QStringLiteral("Race Visitor %1").arg(i),
                                                    QDate(1980, 1, 1).addDays(i))));
            QVERIFY(patient.ok() && patient->patient);
            auto opened = m_fixture.call(protocol::kOpenVisit,
                                         openRequest(patient->patient->id, QStringLiteral("race")));
            QVERIFY2(opened.ok(), qPrintable(opened.error().toString()));
            const QString visitId = opened->visit.id;
            // Two desks act on one visit at once, several times each.
            QList<protocol::CancelVisitRequest> cancels;
            QList<protocol::LeftUnseenRequest> leaves;
            for (int k = 0; k < 3; ++k) {
                cancels.append({receptionist(), visitId, QStringLiteral("cancelled at desk")});
                leaves.append({receptionist(), visitId, QStringLiteral("gone")});
            }
            int ok = 0, conflicts = 0, answered = 0;
            QStringList others;
            QObject context;
            auto count = [&](const bus::BusError& error) {
                ++answered;
                if (!error.isError())
                    ++ok;
                else if (error.code == 409)
                    ++conflicts;
                else
                    others.append(error.toString());
            };
            for (int k = 0; k < 3; ++k) {
                bus::request(
                    m_fixture.client(), protocol::kCancelVisit, cancels[k], &context,
                    [&](bus::Result<protocol::VisitReply> r) { count(r.error()); }, longWait());
                bus::request(
                    m_fixture.client(), protocol::kMarkLeftUnseen, leaves[k], &context,
                    [&](bus::Result<protocol::VisitReply> r) { count(r.error()); }, longWait());
            }
            QTRY_COMPARE_WITH_TIMEOUT(answered, 6, 40000);
            QVERIFY2(others.isEmpty(), qPrintable(others.join(u'\n')));
            QCOMPARE(ok, 1);
            QCOMPARE(conflicts, 5);
        }
        // One closing event per visit, never two.
        QTRY_COMPARE_WITH_TIMEOUT(
            m_fixture.stored(QStringLiteral("opd.events.visit.cancelled")) +
                m_fixture.stored(QStringLiteral("opd.events.visit.left_unseen")),
            qint64{kVisits}, 15000);
    }

    void cleanupTestCase()
    {
        if (m_second)
            QCOMPARE(m_second->terminate(), 0);
        m_second.reset();
        m_fixture.stopService();
    }
};

QTEST_GUILESS_MAIN(TestRegistrationRaces)

#include "test_registration_races.moc"
