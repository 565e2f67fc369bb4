#include "bus/pull_consumer.h"

#include "bus/ack_handle.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTimerEvent>

namespace openopd::bus {

namespace {
constexpr auto kRetryDelay = std::chrono::seconds(1);
constexpr auto kWatchdogSlack = std::chrono::seconds(2);
} // namespace

PullConsumer::PullConsumer(Connection& connection, PullConsumerOptions options, Handler handler,
                           QObject* parent)
    : QObject(parent), m_connection(connection), m_options(std::move(options)),
      m_handler(std::move(handler))
{
    m_options.maxInFlight = qMax(1, m_options.maxInFlight);
    connect(&m_connection, &Connection::stateChanged, this, [this](Connection::State state) {
        if (state == Connection::State::Connected) {
            m_outstanding = 0; // a pull in flight during the outage is gone
            pull();
        }
    });
}

PullConsumer::~PullConsumer() = default;

void PullConsumer::start()
{
    if (m_running)
        return;
    m_running = true;
    if (m_inbox == nullptr) {
        m_inboxSubject = m_connection.newInbox();
        SubscriptionOptions options;
        // Bounded by the credit we grant; room for stale deliveries after a reconnect.
        options.capacity = qMax(1024, m_options.maxInFlight * 4);
        m_inbox = m_connection.subscribe(
            m_inboxSubject, this, [this](const Message& message) { onInbox(message); }, options);
        // E.g. the user may not read this inbox (see ConnectionOptions::inboxPrefix).
        connect(m_inbox, &Subscription::failed, this,
                [this](const BusError& error) { Q_EMIT errorOccurred(error); });
    }
    pull();
}

void PullConsumer::stop()
{
    m_running = false;
    m_watchdog.stop();
    m_retry.stop();
}

void PullConsumer::pull()
{
    if (!m_running || m_outstanding > 0 || m_connection.state() != Connection::State::Connected)
        return;
    const int credit = m_options.maxInFlight - m_inFlight;
    if (credit <= 0)
        return;
    const qint64 expiresNs = std::chrono::nanoseconds(m_options.expires).count();
    const QJsonObject request{{QStringLiteral("batch"), credit},
                              {QStringLiteral("expires"), expiresNs}};
    const QByteArray subject = QByteArrayLiteral("$JS.API.CONSUMER.MSG.NEXT.") + m_options.stream +
                               '.' + m_options.durable;
    const BusError error = m_connection.publish(
        subject, QJsonDocument(request).toJson(QJsonDocument::Compact), {}, m_inboxSubject);
    if (error.isError()) {
        Q_EMIT errorOccurred(error);
        m_retry.start(static_cast<int>(std::chrono::milliseconds(kRetryDelay).count()), this);
        return;
    }
    m_outstanding = credit;
    m_watchdog.start(
        static_cast<int>(std::chrono::milliseconds(m_options.expires + kWatchdogSlack).count()),
        this);
}

void PullConsumer::pullEnded()
{
    m_outstanding = 0;
    m_watchdog.stop();
}

void PullConsumer::onInbox(const Message& message)
{
    switch (message.status) {
    case 0:
        break;
    case 100: // idle heartbeat or flow control: nothing to do
        return;
    case 404: // no messages / request expired: ask again
    case 408:
        pullEnded();
        pull();
        return;
    default: // 409 consumer deleted, max waiting exceeded, leadership change; 503 no JetStream
        pullEnded();
        Q_EMIT errorOccurred(BusError::make(
            BusError::Kind::JetStreamError, QString::fromUtf8(message.statusDescription),
            m_options.stream + '.' + m_options.durable, message.status));
        m_retry.start(static_cast<int>(std::chrono::milliseconds(kRetryDelay).count()), this);
        return;
    }
    const auto metadata = AckMetadata::parse(message.reply);
    if (!metadata)
        return; // not a JetStream delivery
    if (m_outstanding > 0 && --m_outstanding == 0)
        pullEnded();
    ++m_inFlight;
    JsMessage delivery;
    delivery.message = message;
    delivery.metadata = *metadata;
    delivery.m_handle = std::make_shared<detail::AckHandle>(&m_connection, this, message.reply);
    m_handler(std::move(delivery));
    pull();
}

void PullConsumer::deliverArrived()
{
    if (m_inbox != nullptr)
        m_inbox->deliverArrived();
}

void PullConsumer::onSettled()
{
    m_inFlight = qMax(0, m_inFlight - 1);
    pull();
}

void PullConsumer::timerEvent(QTimerEvent* event)
{
    if (event->timerId() == m_watchdog.timerId())
        pullEnded();
    else if (event->timerId() == m_retry.timerId())
        m_retry.stop();
    else
        return QObject::timerEvent(event);
    pull();
}

} // namespace openopd::bus
