#include "bus/request_mux.h"

#include "bus/nats_options_builder.h"
#include "bus/request_id.h"
#include "bus/tsan_handover.h"

#include <QMutex>
#include <QThread>
#include <QTimerEvent>
#include <nats/nats.h>

namespace openopd::bus::detail {

// How the owner thread reaches a context that lives on another thread without reading a
// QPointer there (a QPointer may only be trusted on the thread that can delete its object)
// and without posting to an object that is being freed: the context's destroyed signal runs
// on its own thread before its memory goes, and clears target under the mutex that every
// post holds. Events posted before that are discarded by ~QObject (removePostedEvents).
struct ContextGuard
{
    QMutex mutex;
    QObject* target = nullptr;
    QMetaObject::Connection watch;

    static std::shared_ptr<ContextGuard> watchOver(QObject* context)
    {
        auto guard = std::make_shared<ContextGuard>();
        guard->target = context;
        guard->watch = QObject::connect(
            context, &QObject::destroyed, [weak = std::weak_ptr<ContextGuard>(guard)] {
                if (const auto alive = weak.lock()) {
                    const QMutexLocker lock(&alive->mutex);
                    alive->target = nullptr;
                }
            }); // no context object: a direct call, on the context's thread
        return guard;
    }

    ~ContextGuard() { QObject::disconnect(watch); } // thread-safe; false once it is gone

    // Queues fn on the context's thread unless the context is gone.
    template <class F> void post(F fn)
    {
        const QMutexLocker lock(&mutex);
        const QueuedHandOver handOver; // the reply arrives on a nats.c thread
        if (target != nullptr)
            QMetaObject::invokeMethod(target, std::move(fn), Qt::QueuedConnection);
    }
};

namespace {

// The id a request carries: the caller's, else one already in its headers, else a new one.
// Any earlier Openopd-Request-Id header is replaced, so exactly one goes out.
QByteArray takeRequestId(const RequestOptions& options, Headers* headers)
{
    QByteArray id = options.requestId;
    for (qsizetype i = headers->size() - 1; i >= 0; --i) {
        if (headers->at(i).first.compare(kRequestIdHeader, Qt::CaseInsensitive) != 0)
            continue;
        if (id.isEmpty())
            id = headers->at(i).second;
        headers->removeAt(i);
    }
    return id.isEmpty() ? Connection::newRequestId() : id;
}

} // namespace

RequestMux::RequestMux(Connection* connection) : QObject(connection), m_connection(connection)
{
    const QByteArray inbox = connection->newInbox();
    if (inbox.isEmpty()) {
        m_inboxError =
            BusError::make(BusError::Kind::NotConnected,
                           detail::invalidInboxPrefixText(connection->options().inboxPrefix));
        return;
    }
    m_prefix = inbox + '.';
    // A refusal holds until the connection is lost or closed: the next connection subscribes
    // again and the server may allow it then (its refusal, if any, arrives after this).
    connect(connection, &Connection::stateChanged, this, [this](Connection::State state) {
        if (state != Connection::State::Connected)
            m_inboxError = {};
    });
}

void RequestMux::start()
{
    if (m_inbox != nullptr || m_prefix.isEmpty())
        return;
    SubscriptionOptions options;
    options.capacity = 1 << 16; // replies are never dropped in practice: each was asked for
    m_inbox = m_connection->subscribe(
        m_prefix + '*', this, [this](const Message& message) { onReply(message); }, options);
    connect(m_inbox, &Subscription::failed, this,
            [this](const BusError& error) { onInboxFailed(error); });
}

void RequestMux::onInboxFailed(const BusError& error)
{
    const QString text = error.kind == BusError::Kind::PermissionDenied
                             ? tr("not allowed to receive replies on %1 (does this user need "
                                  "ConnectionOptions::inboxPrefix?)")
                                   .arg(QString::fromUtf8(m_inbox->subject()))
                             : tr("cannot receive replies on %1: %2")
                                   .arg(QString::fromUtf8(m_inbox->subject()), error.message);
    m_inboxError = BusError::make(error.kind, text, {}, error.code);
    failAll(m_inboxError);
}

quint64 RequestMux::send(const QByteArray& subject, const QByteArray& data,
                         const RequestOptions& options, QObject* context,
                         Connection::ReplyHandler onReply)
{
    Pending pending{std::move(onReply), {}, {}, context != nullptr, subject, 0};
    if (context != nullptr && context->thread() != thread())
        pending.guard = ContextGuard::watchOver(context);
    else
        pending.context = context;
    Headers headers = options.headers;
    const QByteArray requestId = takeRequestId(options, &headers);
    if (!isValidRequestId(requestId)) {
        BusError error = BusError::decode(
            QString::fromLatin1(kRequestIdHeader),
            tr("a request id must be 1 to 64 characters from A-Z, a-z, 0-9, - and _"));
        error.subject = subject;
        deliverLater(std::move(pending), std::move(error));
        return 0;
    }
    headers.append({QByteArray(kRequestIdHeader), requestId});
    if (m_inboxError.isError()) {
        BusError error = m_inboxError;
        error.subject = subject;
        deliverLater(std::move(pending), std::move(error));
        return 0;
    }
    if (m_inbox == nullptr || !m_inbox->isActive()) {
        deliverLater(std::move(pending),
                     BusError::make(BusError::Kind::NotConnected,
                                    tr("not connected to the message server"), subject));
        return 0;
    }
    const quint64 token = ++m_nextToken;
    const BusError error =
        m_connection->publish(subject, data, headers, m_prefix + QByteArray::number(token));
    if (error.isError()) {
        deliverLater(std::move(pending), error);
        return 0;
    }
    pending.timerId = startTimer(options.timeout, Qt::PreciseTimer);
    m_tokenByTimer.insert(pending.timerId, token);
    m_pending.emplace(token, std::move(pending));
    reportInFlight();
    return token;
}

void RequestMux::cancel(quint64 token)
{
    Pending pending;
    if (take(token, &pending))
        reportInFlight();
}

void RequestMux::onReply(const Message& message)
{
    bool ok = false;
    const quint64 token = message.subject.mid(m_prefix.size()).toULongLong(&ok);
    if (!ok)
        return;
    const auto it = m_pending.find(token);
    if (it == m_pending.end())
        return; // a late reply after a timeout or cancel: nobody waits for it any more
    if (message.status == 503) {
        finish(token, BusError::make(BusError::Kind::NoResponders,
                                     tr("no service is answering on this subject"),
                                     it->second.subject, 503));
        return;
    }
    finish(token, message);
}

void RequestMux::timerEvent(QTimerEvent* event)
{
    const auto token = m_tokenByTimer.value(event->timerId());
    const auto it = m_pending.find(token);
    if (it == m_pending.end()) {
        killTimer(event->timerId());
        return;
    }
    finish(token, BusError::make(BusError::Kind::Timeout, tr("no reply in time"),
                                 it->second.subject, 408));
}

bool RequestMux::take(quint64 token, Pending* out)
{
    const auto it = m_pending.find(token);
    if (it == m_pending.end())
        return false;
    *out = std::move(it->second);
    m_pending.erase(it);
    killTimer(out->timerId);
    m_tokenByTimer.remove(out->timerId);
    return true;
}

void RequestMux::finish(quint64 token, Result<Message> result)
{
    Pending pending;
    if (!take(token, &pending))
        return; // already finished by a handler that re-entered
    reportInFlight();
    deliver(std::move(pending), std::move(result));
}

void RequestMux::reportInFlight()
{
    // Compared with what was last reported, so nested changes (a handler sending another
    // request) never leave a stale count behind.
    const int count = static_cast<int>(m_pending.size());
    if (count == m_reportedInFlight)
        return;
    m_reportedInFlight = count;
    Q_EMIT m_connection->requestsInFlightChanged(count);
}

void RequestMux::deliver(Pending pending, Result<Message> result)
{
    if (pending.guard) {
        pending.guard->post([handler = std::move(pending.handler),
                             result = std::move(result)]() mutable { handler(std::move(result)); });
        return;
    }
    if (pending.hasContext) {
        QObject* context = pending.context.data();
        if (context == nullptr)
            return; // its window is gone: drop the reply
        if (context->thread() != QThread::currentThread()) {
            // Moved to another thread since the request was sent (rare): post it there.
            QMetaObject::invokeMethod(
                context,
                [handler = std::move(pending.handler), result = std::move(result)]() mutable {
                    handler(std::move(result));
                },
                Qt::QueuedConnection);
            return;
        }
    }
    pending.handler(std::move(result));
}

void RequestMux::deliverLater(Pending pending, Result<Message> result)
{
    // Errors are never reported from inside request(): callers get one code path.
    QMetaObject::invokeMethod(
        this,
        [pending = std::move(pending), result = std::move(result)]() mutable {
            deliver(std::move(pending), std::move(result));
        },
        Qt::QueuedConnection);
}

void RequestMux::failAll(const BusError& error)
{
    // Take every entry out first: a handler may close the connection again, cancel, or run a
    // nested event loop in which timers finish requests; none of that may touch these.
    std::unordered_map<quint64, Pending> taken;
    taken.swap(m_pending);
    for (auto& entry : taken) {
        killTimer(entry.second.timerId);
        m_tokenByTimer.remove(entry.second.timerId);
    }
    reportInFlight();
    for (auto& [token, pending] : taken) {
        BusError specific = error;
        specific.subject = pending.subject;
        deliver(std::move(pending), std::move(specific));
    }
}

void RequestMux::failSubject(const QByteArray& subject, const BusError& error)
{
    std::vector<Pending> taken;
    std::vector<quint64> tokens;
    for (const auto& [token, pending] : m_pending)
        if (pending.subject == subject)
            tokens.push_back(token);
    for (const quint64 token : tokens) {
        Pending pending;
        if (take(token, &pending))
            taken.push_back(std::move(pending));
    }
    reportInFlight();
    for (Pending& pending : taken)
        deliver(std::move(pending), error);
}

} // namespace openopd::bus::detail
