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
//
// Messages are kept in batches of at most batchSize (the owner's drain size), so that take()
// hands a whole batch over by swapping vectors: the lock is held for a few pointer moves,
// not for one move per message, and the producer is not made to wait behind a drain. The
// owner gives an emptied batch back (recycle) and its storage is reused: no allocation per
// batch once running.
class Mailbox
{
public:
    // wake is posted to target's thread whenever a drain becomes necessary.
    Mailbox(QObject* target, std::function<void()> wake, qsizetype capacity,
            qsizetype batchSize = kDefaultBatchSize);
    static constexpr qsizetype kDefaultBatchSize = 256;
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
    // Owner thread: appends up to max messages to out, oldest first; returns true if more
    // remain (the caller must then drain again later; the pending-drain flag stays set).
    // With out empty and max at least the batch size this is a swap.
    bool take(std::vector<Message>& out, qsizetype max);
    // Owner thread: a batch's storage after its messages were handled, for reuse.
    void recycle(std::vector<Message>&& used);
    // Before the target (or the notice target) is destroyed, on any thread: later pushes are
    // dropped and nothing more is posted.
    void detach();
    void scheduleDrain(); // owner thread: post another drain for the rest

    bool isDetached() const;
    quint64 dropped() const;
    qsizetype peakSize() const;
    qsizetype capacity() const { return m_capacity; }

private:
    // With m_mutex held:
    void postWake();
    void dropOldest();
    void popFrontBatch();

    mutable std::mutex m_mutex;
    QObject* m_target; // guarded by m_mutex; null once detached
    std::function<void()> m_wake;
    QObject* m_noticeTarget = nullptr; // guarded by m_mutex; null once detached
    std::function<void()> m_notice;
    bool m_noticePending = false;
    const qsizetype m_capacity;
    const qsizetype m_batchSize;
    std::deque<std::vector<Message>> m_batches; // oldest first, each at most m_batchSize
    qsizetype m_frontTaken = 0;   // the front batch's first messages already dropped or taken
    qsizetype m_size = 0;         // messages queued, over all batches
    std::vector<Message> m_spare; // empty; storage for the next batch
    bool m_drainPending = false;
    quint64 m_dropped = 0;
    qsizetype m_peak = 0;
};

} // namespace openopd::bus::detail
