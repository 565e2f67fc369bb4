#pragma once

#include "bus/connection.h"
#include "bus/js_message.h"

#include <QBasicTimer>
#include <QObject>
#include <chrono>

namespace openopd::bus {

namespace detail {
struct AckHandle;
}

struct PullConsumerOptions
{
    QByteArray stream;
    QByteArray durable; // the durable consumer must exist (ensureConsumer)
    // Messages handed out and not yet settled, at most. This is the flow control: no more
    // is fetched until the handler acks, naks or terms (or drops a message unsettled, or its
    // settlement cannot be sent), so memory stays bounded and nothing is dropped.
    int maxInFlight = 64;
    std::chrono::milliseconds expires{5000}; // how long one pull request waits on the server
};

// A durable pull consumer driven entirely by the bridge's asynchronous machinery: pull
// requests are publishes, deliveries arrive on an inbox subscription, settling is a
// publish to the message's reply subject. No thread blocks in a fetch.
class PullConsumer final : public QObject
{
    Q_OBJECT
public:
    using Handler = std::function<void(JsMessage)>;

    PullConsumer(Connection& connection, PullConsumerOptions options, Handler handler,
                 QObject* parent = nullptr);
    ~PullConsumer() override;
    Q_DISABLE_COPY_MOVE(PullConsumer)

    void start();
    void stop();
    int inFlight() const { return m_inFlight; }
    // Hands deliveries that have arrived but wait for the event loop to the handler now (see
    // Subscription::deliverArrived): a handler busy for long can then keep them alive.
    void deliverArrived();
    const PullConsumerOptions& options() const { return m_options; }

Q_SIGNALS:
    void errorOccurred(const openopd::bus::BusError& error);

protected:
    void timerEvent(QTimerEvent* event) override;

private:
    friend class JsMessage;
    friend struct detail::AckHandle;
    void pull();
    void onInbox(const Message& message);
    void onSettled();
    void pullEnded();

    Connection& m_connection;
    PullConsumerOptions m_options;
    Handler m_handler;
    Subscription* m_inbox = nullptr;
    QByteArray m_inboxSubject;
    bool m_running = false;
    int m_inFlight = 0;
    int m_outstanding = 0;  // messages the current pull request may still bring
    QBasicTimer m_watchdog; // a pull lost in a reconnect is re-issued
    QBasicTimer m_retry;
};

} // namespace openopd::bus
