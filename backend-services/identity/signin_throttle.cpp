#include "identity/signin_throttle.h"

#include <algorithm>

namespace openopd::identity {

std::chrono::seconds lockAfter(int failures, std::chrono::seconds base)
{
    if (failures < kFreeFailures)
        return std::chrono::seconds(0);
    const int doublings = std::min(failures - kFreeFailures, 20); // 2^20 s is past the cap
    const qint64 seconds = static_cast<qint64>(base.count()) << doublings;
    return std::chrono::seconds(std::min<qint64>(seconds, kMaxLock.count()));
}

SignInFailures afterFailure(SignInFailures state, const QDateTime& now, std::chrono::seconds base)
{
    state.failures = std::min(state.failures + 1, 1000000);
    const std::chrono::seconds lock = lockAfter(state.failures, base);
    state.lockedUntil = lock.count() > 0 ? now.addSecs(lock.count()) : QDateTime();
    return state;
}

qint64 retryAfterSeconds(const SignInFailures& state, const QDateTime& now)
{
    if (!state.lockedUntil.isValid() || state.lockedUntil <= now)
        return 0;
    const qint64 ms = now.msecsTo(state.lockedUntil);
    return (ms + 999) / 1000;
}

} // namespace openopd::identity
