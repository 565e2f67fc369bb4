#include "bus/mailbox.h"

#include "bus/tsan_handover.h"

namespace openopd::bus::detail {

Mailbox::Mailbox(QObject* target, std::function<void()> wake, qsizetype capacity,
                 qsizetype batchSize)
    : m_target(target), m_wake(std::move(wake)), m_capacity(qMax<qsizetype>(1, capacity)),
      m_batchSize(qBound<qsizetype>(1, batchSize, m_capacity))
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

void Mailbox::popFrontBatch()
{
    auto& front = m_batches.front();
    if (m_spare.capacity() < front.capacity()) {
        front.clear();
        m_spare = std::move(front);
    }
    m_batches.pop_front();
    m_frontTaken = 0;
}

void Mailbox::dropOldest()
{
    auto& front = m_batches.front();
    front[static_cast<size_t>(m_frontTaken)] = Message{}; // its memory goes now, not later
    ++m_frontTaken;
    --m_size;
    ++m_dropped;
    if (m_frontTaken == static_cast<qsizetype>(front.size()))
        popFrontBatch();
    if (m_noticeTarget != nullptr && !m_noticePending) {
        m_noticePending = true; // posted under the lock, like the wake
        const QueuedHandOver handOver;
        QMetaObject::invokeMethod(m_noticeTarget, m_notice, Qt::QueuedConnection);
    }
}

void Mailbox::push(Message&& message, bool moreFollows)
{
    std::lock_guard lock(m_mutex);
    if (m_target == nullptr)
        return;
    if (m_size >= m_capacity)
        dropOldest();
    if (m_batches.empty() || static_cast<qsizetype>(m_batches.back().size()) >= m_batchSize) {
        m_batches.push_back(std::move(m_spare));
        m_spare = {};
        m_batches.back().reserve(static_cast<size_t>(m_batchSize));
    }
    m_batches.back().push_back(std::move(message));
    ++m_size;
    m_peak = qMax(m_peak, m_size);
    if (!m_drainPending && (!moreFollows || m_size >= kDeferredWakeLimit))
        postWake();
}

void Mailbox::wakeIfWaiting()
{
    std::lock_guard lock(m_mutex);
    if (m_target != nullptr && !m_drainPending && m_size > 0)
        postWake();
}

bool Mailbox::take(std::vector<Message>& out, qsizetype max)
{
    std::lock_guard lock(m_mutex);
    while (max > 0 && !m_batches.empty()) {
        auto& front = m_batches.front();
        const auto available = static_cast<qsizetype>(front.size()) - m_frontTaken;
        if (out.empty() && m_frontTaken == 0 && available <= max) {
            out.swap(front); // the whole batch: its storage changes hands, no message moves
        } else {
            const auto count = qMin(max, available);
            const auto first = front.begin() + m_frontTaken;
            out.insert(out.end(), std::make_move_iterator(first),
                       std::make_move_iterator(first + count));
            m_frontTaken += count;
            if (count < available) {
                m_size -= count;
                break;
            }
        }
        m_size -= available;
        max -= available;
        popFrontBatch();
    }
    const bool more = m_size > 0;
    if (!more)
        m_drainPending = false;
    return more;
}

void Mailbox::recycle(std::vector<Message>&& used)
{
    used.clear(); // outside the lock: freeing the messages is the owner's work
    std::lock_guard lock(m_mutex);
    if (m_spare.capacity() < used.capacity())
        m_spare = std::move(used);
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
    m_batches.clear();
    m_frontTaken = 0;
    m_size = 0;
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
