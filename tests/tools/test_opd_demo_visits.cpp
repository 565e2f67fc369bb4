// opd-demo-visits against a demo clinic (secured, demo staff and data): afterwards each
// workspace has something to show — visits waiting, prescriptions to dispense, a lab order,
// releases pending. Without the demo password it fails at sign-in and writes nothing.

#include "flow_support.h"
#include "opd_cluster.h"
#include "protocol/discharge_api.h"
#include "protocol/endpoints.h"
#include "protocol/lab_api.h"
#include "protocol/pharmacy_api.h"
#include "protocol/registration_api.h"
#include "staff_desk.h"

#include <QProcess>
#include <QTest>

using namespace openopd;
using testing::flow::call;

class TestOpdDemoVisits : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        m_cluster.setSecured(true);
        QVERIFY2(m_cluster.startAll(true), qPrintable(m_cluster.errorString()));
        QVERIFY2(m_desk.open(m_cluster), qPrintable(m_desk.errorString()));
    }

    void everyWorkspaceHasSomethingToShow()
    {
        // A visit already opened at the desk: the tool passes over that patient.
        protocol::SearchPatientsRequest search;
        search.query = QStringLiteral("a");
        auto found = call(m_desk, protocol::kSearchPatients, search);
        QVERIFY2(found && !found->patients.isEmpty(), "no demo patients");
        protocol::OpenVisitRequest open;
        open.staff = {QStringLiteral("reception"), QStringLiteral("Grace Mensah"),
                      protocol::StaffRole::Reception};
        open.patientId = found->patients.first().id;
        open.queue = QStringLiteral("general");
        QVERIFY(call(m_desk, protocol::kOpenVisit, open));

        QString output;
        QVERIFY2(run(testing::OpdCluster::demoPassword(), &output) == 0, qPrintable(output));
        QVERIFY2(output.contains(u"opened 9 visits"), qPrintable(output));

        auto waiting = call(m_desk, protocol::kWaitingList, protocol::WaitingListRequest{});
        QVERIFY2(waiting, qPrintable(waiting.error().toString()));
        int stillWaiting = 0;
        for (const protocol::Visit& visit : waiting->visits)
            stillWaiting += visit.state == protocol::VisitState::Registered;
        QCOMPARE(stillWaiting, 1 + 5); // the desk's and 5 of the tool's 9
        // The services learn of consultations and dispenses through events: wait for them.
        QTRY_COMPARE_WITH_TIMEOUT(pendingPrescriptions(), 1, 15000);
        QTRY_COMPARE_WITH_TIMEOUT(pendingLabOrders(), 1, 15000);
        QTRY_VERIFY_WITH_TIMEOUT(pendingReleases() >= 2, 15000);
    }

    void aClinicWithoutTheDemoPasswordIsLeftAlone()
    {
        const int before = openVisits();
        QString output;
        QVERIFY(run(QStringLiteral("not-the-password"), &output) != 0);
        QVERIFY2(output.contains(u"sign-in as reception failed"), qPrintable(output));
        QCOMPARE(openVisits(), before);
    }

private:
    int run(const QString& password, QString* output)
    {
        QProcess tool;
        tool.setProcessChannelMode(QProcess::MergedChannels);
        tool.start(QStringLiteral(OPD_DEMO_VISITS),
                   {QStringLiteral("--server"), m_cluster.nats().url(),
                    QStringLiteral("--password"), password});
        if (!tool.waitForFinished(120000))
            return -1;
        *output = QString::fromUtf8(tool.readAll());
        return tool.exitStatus() == QProcess::NormalExit ? tool.exitCode() : -1;
    }
    int openVisits()
    {
        auto reply = call(m_desk, protocol::kWaitingList, protocol::WaitingListRequest{});
        return reply ? int(reply->visits.size()) : -1;
    }
    int pendingPrescriptions()
    {
        auto reply = call(m_desk, protocol::kPendingPrescriptions, {});
        return reply ? int(reply->prescriptions.size()) : -1;
    }
    int pendingLabOrders()
    {
        auto reply = call(m_desk, protocol::kPendingLabOrders, {});
        return reply ? int(reply->orders.size()) : -1;
    }
    int pendingReleases()
    {
        auto reply = call(m_desk, protocol::kPendingReleases, {});
        return reply ? int(reply->releases.size()) : -1;
    }

    testing::OpdCluster m_cluster;
    testing::StaffDesk m_desk;
};

QTEST_GUILESS_MAIN(TestOpdDemoVisits)
#include "test_opd_demo_visits.moc"
