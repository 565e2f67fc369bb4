#pragma once

// A stand-in for registration's waiting list on a real nats-server, for the responsiveness
// test and `opd-bench app-waiting-list`: many waiting visits, delivered as the service
// delivers them, from a thread of its own (the service is another process; its work must not
// land on the GUI thread being measured).
//
// One reply of opd.registration.visit.waiting carries at most limits::kMaxListItems (1000)
// visits: the service caps it and the client's decoder refuses a longer list. So the feed
// answers the snapshot with the first 1000 visits and publishes the others as
// visit.registered events (core NATS, the subject the desk listens on), as registration does
// for visits opened after the desk fetched its list.

#include "protocol/visit.h"

#include <QDate>
#include <QList>
#include <QThread>
#include <atomic>

namespace openopd::testing {

class WaitingListFeed final
{
public:
    // count visits of day, spread over four queues (tokens stay within 9999 per queue),
    // 5 % emergency and 15 % urgent, registered a second apart from 07:00 (UTC), each with a
    // complaint: what a very busy desk shows.
    static QList<protocol::Visit> makeVisits(int count, QDate day);

    WaitingListFeed(QString natsUrl, QList<protocol::Visit> visits);
    ~WaitingListFeed();
    WaitingListFeed(const WaitingListFeed&) = delete;
    WaitingListFeed& operator=(const WaitingListFeed&) = delete;

    // Starts the feed's thread, connects and answers snapshot requests from then on; blocks
    // (at most timeoutMs) until it serves. False if it could not connect.
    bool start(int timeoutMs = 15000);
    // Publishes every visit beyond the snapshot as a visit.registered event, on the feed's
    // thread; returns at once (published() counts).
    void publishRest();

    int snapshotSize() const;
    int total() const { return static_cast<int>(m_visits.size()); }
    int snapshotsServed() const { return m_served.load(); }
    int published() const { return m_published.load(); }
    int publishErrors() const { return m_publishErrors.load(); }

private:
    QString m_url;
    QList<protocol::Visit> m_visits;
    QThread m_thread;
    QObject* m_worker = nullptr; // lives on m_thread; owns the connection
    std::atomic<bool> m_serving{false};
    std::atomic<int> m_served{0};
    std::atomic<int> m_published{0};
    std::atomic<int> m_publishErrors{0};
};

} // namespace openopd::testing
