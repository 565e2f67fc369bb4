#include "waiting_list_feed.h"

#include "bus/connection.h"
#include "bus/typed.h"
#include "protocol/endpoints.h"
#include "protocol/events.h"
#include "protocol/limits.h"

#include <QDeadlineTimer>
#include <QUuid>
#include <algorithm>
#include <iterator>

namespace openopd::testing {

namespace {

const char* const kFirst[] = {"Ana", "José",  "Ngozi", "Kwame",  "Fatima", "Chloé", "Sipho",
                              "Mei", "Arjun", "Olga",  "Thandi", "Mateo",  "Amara", "Søren"};
const char* const kLast[] = {"Silva",  "Okafor", "Mensah", "Dlamini", "García", "Nguyễn",
                             "Patel",  "Müller", "Osei",   "Moyo",    "Haddad", "Kowalski",
                             "Asante", "Núñez",  "Botha",  "Ivanova"};
const char* const kQueues[] = {"general", "child", "antenatal", "dental"};

protocol::StaffRef receptionist()
{
    return {QStringLiteral("reception"), QStringLiteral("Grace Mensah"),
            protocol::StaffRole::Reception};
}

} // namespace

QList<protocol::Visit> WaitingListFeed::makeVisits(int count, QDate day)
{
    QList<protocol::Visit> visits;
    visits.reserve(count);
    const QDateTime start(day, QTime(7, 0), Qt::UTC);
    for (std::size_t n = 0; n < static_cast<std::size_t>(count); ++n) {
        protocol::Visit visit;
        visit.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
        visit.patientId = QUuid::createUuid().toString(QUuid::WithoutBraces);
        visit.patientName = QStringLiteral("%1 %2").arg(
            QString::fromUtf8(kFirst[n % std::size(kFirst)]),
            QString::fromUtf8(kLast[(n / std::size(kFirst)) % std::size(kLast)]));
        visit.queue = QString::fromLatin1(kQueues[n % std::size(kQueues)]);
        visit.day = day;
        visit.token = static_cast<int>(n / std::size(kQueues)) + 1;
        visit.priority = n % 20 == 0  ? protocol::Priority::Emergency
                         : n % 20 < 4 ? protocol::Priority::Urgent
                                      : protocol::Priority::Normal;
        visit.state = protocol::VisitState::Registered;
        visit.complaint = QStringLiteral("Fever and cough for %1 days").arg(1 + n % 7);
        visit.history = {{protocol::VisitState::Registered,
                          start.addSecs(static_cast<qint64>(n)),
                          receptionist(),
                          {}}};
        visits.append(visit);
    }
    return visits;
}

WaitingListFeed::WaitingListFeed(QString natsUrl, QList<protocol::Visit> visits)
    : m_url(std::move(natsUrl)), m_visits(std::move(visits))
{}

WaitingListFeed::~WaitingListFeed()
{
    if (m_worker) // the connection closes on its own thread
        QMetaObject::invokeMethod(
            m_worker, [worker = m_worker] { delete worker; }, Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
}

int WaitingListFeed::snapshotSize() const
{
    return static_cast<int>(std::min(m_visits.size(), protocol::limits::kMaxListItems));
}

bool WaitingListFeed::start(int timeoutMs)
{
    m_worker = new QObject;
    m_worker->moveToThread(&m_thread);
    m_thread.setObjectName(QStringLiteral("waiting-list-feed"));
    m_thread.start();
    QMetaObject::invokeMethod(m_worker, [this] {
        bus::ConnectionOptions options;
        options.servers = {m_url};
        options.name = QStringLiteral("waiting-list-feed");
        auto* connection = new bus::Connection(options, m_worker);
        protocol::VisitListReply reply;
        reply.day = m_visits.isEmpty() ? QDate::currentDate() : m_visits.constFirst().day;
        reply.visits = m_visits.mid(0, snapshotSize());
        QObject::connect(connection, &bus::Connection::stateChanged, m_worker,
                         [this, connection, reply](bus::Connection::State state) {
                             if (state != bus::Connection::State::Connected || m_serving)
                                 return;
                             bus::serve(*connection, protocol::kWaitingList, m_worker,
                                        [this, reply](const protocol::WaitingListRequest&,
                                                      bus::Replier<protocol::VisitListReply> r) {
                                            r.reply(reply);
                                            ++m_served;
                                        });
                             m_serving = true;
                         });
        connection->open();
    });
    const QDeadlineTimer deadline(timeoutMs);
    while (!m_serving && !deadline.hasExpired())
        QThread::msleep(10);
    return m_serving;
}

void WaitingListFeed::publishRest()
{
    QMetaObject::invokeMethod(m_worker, [this] {
        auto* connection = m_worker->findChild<bus::Connection*>();
        for (qsizetype n = snapshotSize(); n < m_visits.size(); ++n) {
            const auto event =
                protocol::makeEvent(protocol::kVisitRegistered, m_visits.at(n), receptionist());
            const bus::BusError error =
                bus::publish(*connection, protocol::kVisitRegistered, event);
            ++(error.isError() ? m_publishErrors : m_published);
        }
    });
}

} // namespace openopd::testing
