// The doctor's queue kept live by list.queue_changed, on a real nats-server: a visit that
// joins (visit.registered), is called, starts, is saved, or is cancelled while waiting
// publishes the visit's queue row as opd.consultation.queue.list then returns it (added,
// updated, removed), after the step's own event; a visit closed before it registered never
// joins and announces nothing.

#include "bus/nats_library.h"
#include "consultation_harness.h"

#include <csignal>

using namespace openopd;
using namespace openopd::protocol;
using namespace openopd::testing;

using QueueChange = EventEnvelope<ListChange<QueueEntry>>;

class TestConsultationListEvents : public QObject
{
    Q_OBJECT

    std::optional<bus::NatsLibrary> m_library;
    ConsultationEnvironment m_env;
    QObject m_subscriber;
    QList<AnyEvent> m_events; // every event, in arrival order
    const StaffRef m_doctor = doctor(QStringLiteral("dr.silva"));

    bus::Connection& client() { return *m_env.client; }

    QList<QueueChange> changesOf(const QString& visitId)
    {
        QList<QueueChange> changes;
        for (const AnyEvent& any : std::as_const(m_events))
            if (any.type == eventTypeFromSubject(kQueueListChanged.subject) &&
                any.visitId == visitId)
                if (auto typed = QueueChange::fromJson(any.toJson()))
                    changes.append(typed.value());
        return changes;
    }
    qsizetype indexOf(const QString& type, const QString& visitId)
    {
        for (qsizetype i = 0; i < m_events.size(); ++i)
            if (m_events.at(i).type == type && m_events.at(i).visitId == visitId)
                return i;
        return -1;
    }
    std::optional<QueueEntry> rowOf(const QString& queue, const QString& visitId)
    {
        for (const QueueEntry& entry : queueOf(client(), queue))
            if (entry.visitId == visitId)
                return entry;
        return std::nullopt;
    }

private Q_SLOTS:
    void initTestCase()
    {
        std::signal(SIGPIPE, SIG_IGN);
        m_library.emplace();
        QVERIFY2(m_env.start(), qPrintable(m_env.errorString()));
        bus::subscribe(client(), kAnyEvent, &m_subscriber,
                       [this](const AnyEvent& event) { m_events.append(event); });
    }

    void cleanup()
    {
        if (QTest::currentTestFailed() && m_env.service)
            qWarning().noquote() << "service log:\n" << m_env.service->log();
    }

    void everyStepOfAVisitIsAnnounced()
    {
        const QString queue = QStringLiteral("live");
        const Visit visit = makeVisit(1, Priority::Urgent, queue);
        QVERIFY(publishEvent(client(), kVisitRegistered, registeredEvent(visit)));
        QTRY_COMPARE_WITH_TIMEOUT(changesOf(visit.id).size(), 1, 15000);
        QueueChange added = changesOf(visit.id).at(0);
        QCOMPARE(added.payload.change, ListChangeKind::Added);
        QCOMPARE(added.payload.rows, QList{*rowOf(queue, visit.id)});
        QCOMPARE(added.patientId, visit.patientId);

        QVERIFY(call(client(), kCallNext, {m_doctor, queue, QStringLiteral("Room 3")}).ok());
        QTRY_COMPARE_WITH_TIMEOUT(changesOf(visit.id).size(), 2, 15000);
        const QueueChange called = changesOf(visit.id).at(1);
        QCOMPARE(called.payload.change, ListChangeKind::Updated);
        QCOMPARE(called.payload.rows, QList{*rowOf(queue, visit.id)});
        QCOMPARE(called.payload.rows.at(0).state, VisitState::Called);
        QCOMPARE(called.actor, m_doctor);

        QVERIFY(call(client(), kStartConsultation, {m_doctor, visit.id}).ok());
        QTRY_COMPARE_WITH_TIMEOUT(changesOf(visit.id).size(), 3, 15000);
        QCOMPARE(changesOf(visit.id).at(2).payload.rows.at(0).state, VisitState::InConsultation);
        QCOMPARE(changesOf(visit.id).at(2).payload.rows, QList{*rowOf(queue, visit.id)});

        QVERIFY(call(client(), kSaveConsultation, {m_doctor, visit.id, fullContent()}).ok());
        QTRY_COMPARE_WITH_TIMEOUT(changesOf(visit.id).size(), 4, 15000);
        const QueueChange removed = changesOf(visit.id).at(3);
        QCOMPARE(removed.payload.change, ListChangeKind::Removed);
        QVERIFY(removed.payload.rows.isEmpty());
        QVERIFY(!rowOf(queue, visit.id));
        // The list change comes after the step's own event.
        QTRY_VERIFY_WITH_TIMEOUT(indexOf(QStringLiteral("visit.consulted"), visit.id) >= 0, 15000);
        const qsizetype consulted = indexOf(QStringLiteral("visit.consulted"), visit.id);
        qsizetype lastChange = -1;
        for (qsizetype i = 0; i < m_events.size(); ++i)
            if (m_events.at(i).id == removed.id)
                lastChange = i;
        QVERIFY(consulted < lastChange);
    }

    void aCancelledVisitLeavesTheQueue()
    {
        const QString queue = QStringLiteral("cancel");
        const Visit visit = makeVisit(1, Priority::Normal, queue);
        QVERIFY(publishEvent(client(), kVisitRegistered, registeredEvent(visit)));
        QTRY_COMPARE_WITH_TIMEOUT(changesOf(visit.id).size(), 1, 15000);
        QVERIFY(publishEvent(client(), kVisitCancelled,
                             closedEvent(kVisitCancelled, visit, VisitState::Cancelled)));
        QTRY_COMPARE_WITH_TIMEOUT(changesOf(visit.id).size(), 2, 15000);
        QCOMPARE(changesOf(visit.id).at(1).payload.change, ListChangeKind::Removed);
        QCOMPARE(changesOf(visit.id).at(1).actor, reception());

        // Cancelled before its registration arrived: it never joins, nothing is announced.
        const Visit early = makeVisit(2, Priority::Normal, queue);
        QVERIFY(publishEvent(client(), kVisitCancelled,
                             closedEvent(kVisitCancelled, early, VisitState::Cancelled)));
        QVERIFY(publishEvent(client(), kVisitRegistered, registeredEvent(early)));
        const Visit sentinel = makeVisit(3, Priority::Normal, queue);
        QVERIFY(publishEvent(client(), kVisitRegistered, registeredEvent(sentinel)));
        QTRY_COMPARE_WITH_TIMEOUT(changesOf(sentinel.id).size(), 1, 15000);
        QVERIFY(changesOf(early.id).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestConsultationListEvents)
#include "test_consultation_list_events.moc"
