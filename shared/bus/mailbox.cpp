#include "bus/mailbox.h"

#include "bus/tsan_handover.h"

namespace openopd::bus::detail {

Mailbox::Mailbox(QObject* target, std::function<void()> wake, qsizetype capacity)
    : m_target(target), m_wake(std::move(wake)), m_capacity(qMax<qsizetype>(1, capacity))
{}

void Mailbox::setWake(std::function<void()> wake)
{
    std::lock_guard lock(m_mutex);
    m_wake = std::move(wake);
}

void Mailbox::setDropNotice(QObject* noticeTarget, std::function<void()> notice)
{
    std::lock_guard lock(m_mutex);
    m_noticeTarget = noticeTarget;
    m_notice = std::move(notice);
}

void Mailbox::clearDropNotice()
{
    std::lock_guard lock(m_mutex);
    m_noticePending = false;
}

void Mailbox::postWake()
{
    m_drainPending = true;
    // Posting under the lock keeps the target alive: detach() takes the same lock first,
    // and ~QObject discards events still queued for it.
    const QueuedHandOver handOver;
    QMetaObject::invokeMethod(m_target, m_wake, Qt::QueuedConnection);
}

void Mailbox::push(Message&& message, bool moreFollows)
{
    std::lock_guard lock(m_mutex);
    if (m_target == nullptr)
        return;
    if (static_cast<qsizetype>(m_queue.size()) >= m_capacity) {
        m_queue.pop_front();
        ++m_dropped;
        if (m_noticeTarget != nullptr && !m_noticePending) {
            m_noticePending = true; // posted under the lock, like the wake
            const QueuedHandOver handOver;
            QMetaObject::invokeMethod(m_noticeTarget, m_notice, Qt::QueuedConnection);
        }
    }
    m_queue.push_back(std::move(message));
    const auto size = static_cast<qsizetype>(m_queue.size());
    m_peak = qMax(m_peak, size);
    if (!m_drainPending && (!moreFollows || size >= kDeferredWakeLimit))
        postWake();
}

void Mailbox::wakeIfWaiting()
{
    std::lock_guard lock(m_mutex);
    if (m_target != nullptr && !m_drainPending && !m_queue.empty())
        postWake();
}

bool Mailbox::take(std::vector<Message>& out, qsizetype max)
{
    std::lock_guard lock(m_mutex);
    const auto count = qMin(max, static_cast<qsizetype>(m_queue.size()));
    out.reserve(static_cast<size_t>(count));
    for (qsizetype i = 0; i < count; ++i) {
        out.push_back(std::move(m_queue.front()));
        m_queue.pop_front();
    }
    const bool more = !m_queue.empty();
    if (!more)
        m_drainPending = false;
    return more;
}

void Mailbox::scheduleDrain()
{
    std::lock_guard lock(m_mutex);
    if (m_target != nullptr)
        postWake();
}

void Mailbox::detach()
{
    std::lock_guard lock(m_mutex);
    m_target = nullptr;
    m_noticeTarget = nullptr;
    m_queue.clear();
}

bool Mailbox::isDetached() const
{
    std::lock_guard lock(m_mutex);
    return m_target == nullptr;
}

quint64 Mailbox::dropped() const
{
    std::lock_guard lock(m_mutex);
    return m_dropped;
}

qsizetype Mailbox::peakSize() const
{
    std::lock_guard lock(m_mutex);
    return m_peak;
}

} // namespace openopd::bus::detail
