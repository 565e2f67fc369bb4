#pragma once

// A queued call posted from a nats.c thread to a QObject's thread (QMetaObject::invokeMethod
// with a functor) is handed over through Qt's event queue. Qt locks that queue with a futex
// inside uninstrumented libQt6Core, which ThreadSanitizer cannot see: the functor is built
// on the nats.c thread and read on the target's thread, so TSan reported a data race on the
// functor's copy whenever no other synchronisation happened to order the two (issue 14;
// seen in openopd-consultation at start, Mailbox::postWake). Only the construction of the
// posted functor is hidden from TSan, for the one call: every other access stays checked.
#if defined(__SANITIZE_THREAD__)
#define OPENOPD_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define OPENOPD_TSAN 1
#endif
#endif

#ifdef OPENOPD_TSAN
extern "C" void AnnotateIgnoreWritesBegin(const char* file, int line);
extern "C" void AnnotateIgnoreWritesEnd(const char* file, int line);
#endif

namespace openopd::bus::detail {

// Scope of one post through Qt's event queue (see above); a no-op without TSan.
class QueuedHandOver
{
public:
#ifdef OPENOPD_TSAN
    QueuedHandOver()
    {
        AnnotateIgnoreWritesBegin(__FILE__, __LINE__);
    }
    ~QueuedHandOver()
    {
        AnnotateIgnoreWritesEnd(__FILE__, __LINE__);
    }
#else
    // User-provided, so that a scope object is not an "unused variable" without TSan.
    QueuedHandOver() {}  // NOLINT(modernize-use-equals-default)
    ~QueuedHandOver() {} // NOLINT(modernize-use-equals-default)
#endif
    QueuedHandOver(const QueuedHandOver&) = delete;
    QueuedHandOver& operator=(const QueuedHandOver&) = delete;
};

} // namespace openopd::bus::detail
