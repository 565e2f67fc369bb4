#pragma once

#include "bus/message.h"

#include <QObject>
#include <deque>
#include <functional>
#include <mutex>
#include <vector>

namespace openopd::bus::detail {

// The hand-over point between a nats.c delivery thread (producer) and the QObject that
// consumes on its own thread. The producer only locks, appends and, when no drain is
// pending, posts one queued call: many messages cost one event ("coalescing"). The queue
// is bounded: when full, the oldest message is dropped and counted (drop-oldest), so a
// flood cannot grow memory without limit and the newest state wins.
class Mailbox
{
public:
    // wake is posted to target's thread whenever a drain becomes necessary.
    Mailbox(QObject* target, std::function<void()> wake, qsizetype capacity);
    // Before the first push: replaces wake (one that needs a pointer to this mailbox).
    void setWake(std::function<void()> wake);
    // Before the first push: notice is posted to noticeTarget's thread when a message is
    // dropped, once until clearDropNotice() (so a flood costs one event, not one per drop).
    void setDropNotice(QObject* noticeTarget, std::function<void()> notice);
    void clearDropNotice(); // noticeTarget's thread, when it has handled the notice

    // Any thread. moreFollows: the producer knows another message comes right behind this
    // one (nats.c has it queued), so the wake can wait for it, up to kDeferredWakeLimit
    // messages: a burst costs one wake-up instead of one each time the owner thread catches
    // up. A producer that said moreFollows must push again or call wakeIfWaiting().
    void push(Message&& message, bool moreFollows = false);
    // Any thread: posts the wake for messages left waiting by push(..., true).
    void wakeIfWaiting();
    static constexpr qsizetype kDeferredWakeLimit = 64;
    // Owner thread: takes up to max messages; returns true if more remain (the caller must
    // then drain again later; the pending-drain flag stays set).
    bool take(std::vector<Message>& out, qsizetype max);
    // Before the target (or the notice target) is destroyed, on any thread: later pushes are
    // dropped and nothing more is posted.
    void detach();
    void scheduleDrain(); // owner thread: post another drain for the rest

    bool isDetached() const;
    quint64 dropped() const;
    qsizetype peakSize() const;
    qsizetype capacity() const { return m_capacity; }

private:
    void postWake(); // with m_mutex held

    mutable std::mutex m_mutex;
    QObject* m_target; // guarded by m_mutex; null once detached
    std::function<void()> m_wake;
    QObject* m_noticeTarget = nullptr; // guarded by m_mutex; null once detached
    std::function<void()> m_notice;
    bool m_noticePending = false;
    const qsizetype m_capacity;
    std::deque<Message> m_queue;
    bool m_drainPending = false;
    quint64 m_dropped = 0;
    qsizetype m_peak = 0;
};

} // namespace openopd::bus::detail
