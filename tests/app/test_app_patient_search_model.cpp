// PatientSearchModel (search as you type) against a real nats-server and a stand-in for
// opd.registration.patient.search that answers some queries late: the debounce sends only
// the last of quick keystrokes, the newest query wins even when an older answer arrives
// after it, an empty query clears at once and drops the search in flight, and a failure is
// a state the view can show.

#include "bus/bus_test_util.h"
#include "bus/nats_library.h"
#include "bus/typed.h"
#include "core/reception/patient_search_model.h"
#include "protocol/endpoints.h"
#include "support/nats_server.h"

#include <QSignalSpy>
#include <QTest>
#include <QTimer>

using namespace openopd;
using namespace openopd::app;
using State = PatientSearchModel::State;

namespace {

protocol::Patient patientNamed(const QString& name)
{
    protocol::Patient patient;
    patient.id = QStringLiteral("11116e73-1c03-5de6-9130-5f9925ae8ab4");
    patient.mrn = QStringLiteral("MRN-1");
    patient.details.fullName = name;
    patient.details.dateOfBirth = QDate(1980, 1, 1);
    patient.details.sex = protocol::Sex::Male;
    patient.details.phone = QStringLiteral("+27 82 555 0123");
    patient.registeredAt = patient.updatedAt = QDateTime::currentDateTimeUtc();
    patient.registeredBy = patient.updatedBy = {
        QStringLiteral("reception"), QStringLiteral("Reception"), protocol::StaffRole::Reception};
    return patient;
}

} // namespace

class TestAppPatientSearchModel : public QObject
{
    Q_OBJECT

    bus::NatsLibrary m_library;
    testing::NatsServer m_server;
    std::unique_ptr<bus::Connection> m_service;
    std::unique_ptr<bus::Connection> m_client;
    QObject m_owner;
    QStringList m_asked; // queries the stand-in received, in order

private Q_SLOTS:
    void initTestCase()
    {
        testing::ignoreSigpipe();
        QVERIFY2(m_server.start(), qPrintable(m_server.errorString()));
        m_service = testing::connectTo(m_server.url());
        m_client = testing::connectTo(m_server.url());
        QVERIFY(m_service && m_client);
        // "slow…" is answered after 800 ms, "fail…" with a 503, "none…" with no patients;
        // anything else at once with one patient named after the query.
        bus::serve(*m_service, protocol::kSearchPatients, &m_owner,
                   [this](const protocol::SearchPatientsRequest& request,
                          bus::Replier<protocol::SearchPatientsReply> replier) {
                       m_asked.append(request.query);
                       if (request.query.startsWith(u"fail"))
                           return replier.fail(503, QStringLiteral("The database is down."));
                       protocol::SearchPatientsReply reply;
                       if (!request.query.startsWith(u"none"))
                           reply.patients = {patientNamed(request.query)};
                       if (request.query.startsWith(u"slow"))
                           QTimer::singleShot(800, &m_owner,
                                              [replier, reply]() mutable { replier.reply(reply); });
                       else
                           replier.reply(reply);
                   });
        QTest::qWait(100); // the subscription reaches the server
    }

    void init() { m_asked.clear(); }

    void quickKeystrokesSendOnlyTheLastQuery()
    {
        PatientSearchModel model(*m_client);
        for (const QString& text : {QStringLiteral("a"), QStringLiteral("an"),
                                    QStringLiteral("ann"), QStringLiteral("anna")})
            model.setQuery(text);
        QCOMPARE(model.state(), State::Waiting);
        QCOMPARE(model.statusText(), QStringLiteral("Searching…"));
        QTRY_COMPARE_WITH_TIMEOUT(model.state(), State::Results, 5000);
        QCOMPARE(m_asked, QStringList{QStringLiteral("anna")});
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.columnCount(), int(PatientSearchModel::ColumnCount));
        QCOMPARE(model.index(0, PatientSearchModel::NameColumn).data().toString(),
                 QStringLiteral("anna"));
        QCOMPARE(model.index(0, PatientSearchModel::MrnColumn).data().toString(),
                 QStringLiteral("MRN-1"));
        QCOMPARE(model.index(0, PatientSearchModel::SexColumn).data().toString(),
                 QStringLiteral("Male"));
        QCOMPARE(model.index(0, PatientSearchModel::PhoneColumn).data().toString(),
                 QStringLiteral("+27 82 555 0123"));
        QVERIFY(model.statusText().isEmpty());
    }

    void theNewestQueryWinsOverALateOlderAnswer()
    {
        PatientSearchModel model(*m_client);
        model.setQuery(QStringLiteral("slow old"));
        model.searchNow();
        QTRY_VERIFY_WITH_TIMEOUT(m_asked.contains(QStringLiteral("slow old")), 5000);
        model.setQuery(QStringLiteral("fresh"));
        model.searchNow();
        QTRY_COMPARE_WITH_TIMEOUT(model.state(), State::Results, 5000);
        QCOMPARE(model.shownQuery(), QStringLiteral("fresh"));
        // The old answer comes after (800 ms): it must not replace the newer rows.
        QTest::qWait(1200);
        QCOMPARE(model.shownQuery(), QStringLiteral("fresh"));
        QCOMPARE(model.index(0, PatientSearchModel::NameColumn).data().toString(),
                 QStringLiteral("fresh"));
    }

    void anEmptyQueryClearsAtOnceAndDropsTheSearchInFlight()
    {
        PatientSearchModel model(*m_client);
        model.setQuery(QStringLiteral("anna"));
        QTRY_COMPARE_WITH_TIMEOUT(model.state(), State::Results, 5000);
        model.setQuery(QStringLiteral("slow pending"));
        model.searchNow();
        QTRY_VERIFY_WITH_TIMEOUT(m_asked.contains(QStringLiteral("slow pending")), 5000);
        model.setQuery(QStringLiteral("  "));
        QCOMPARE(model.state(), State::Idle);
        QCOMPARE(model.rowCount(), 0);
        QTest::qWait(1200); // the slow answer arrives and is dropped
        QCOMPARE(model.state(), State::Idle);
        QCOMPARE(model.rowCount(), 0);
    }

    void noMatchAndFailureAreStatesTheViewShows()
    {
        PatientSearchModel model(*m_client);
        model.setQuery(QStringLiteral("nonesuch"));
        QTRY_COMPARE_WITH_TIMEOUT(model.state(), State::NoMatch, 5000);
        QCOMPARE(model.statusText(), QStringLiteral("No patients match \"nonesuch\"."));
        model.setQuery(QStringLiteral("failing"));
        QTRY_COMPARE_WITH_TIMEOUT(model.state(), State::Failed, 5000);
        QVERIFY2(model.statusText().contains(u"The database is down."),
                 qPrintable(model.statusText()));
        // Asking again (the view's refresh) after the failure.
        model.refresh();
        QCOMPARE(model.state(), State::Searching);
        QTRY_COMPARE_WITH_TIMEOUT(model.state(), State::Failed, 5000);
        QCOMPARE(m_asked.count(QStringLiteral("failing")), 2);
    }
};

QTEST_GUILESS_MAIN(TestAppPatientSearchModel)
#include "test_app_patient_search_model.moc"
