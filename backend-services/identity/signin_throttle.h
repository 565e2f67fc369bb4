#pragma once

// The sign-in back-off, per user name as typed (known or not, so that it tells nothing about
// which names exist): after kFreeFailures consecutive failures every further try is refused
// (429) without looking at the password until the lock ends; each failure from the fifth on
// locks for base * 2^(failures - 5) seconds, at most kMaxLock. A success clears the count.

#include <QDateTime>
#include <chrono>

namespace openopd::identity {

inline constexpr int kFreeFailures = 5;
inline constexpr std::chrono::seconds kDefaultLockBase{30};
inline constexpr std::chrono::seconds kMaxLock{15 * 60};

struct SignInFailures
{
    int failures = 0;      // consecutive failures so far
    QDateTime lockedUntil; // invalid: not locked
};

// How long the lock after the failure that brought the count to `failures` lasts (0: none).
std::chrono::seconds lockAfter(int failures, std::chrono::seconds base = kDefaultLockBase);

// The state after one more failure at `now`.
SignInFailures afterFailure(SignInFailures state, const QDateTime& now,
                            std::chrono::seconds base = kDefaultLockBase);

// Seconds until the lock ends (rounded up), or 0 when a try may go ahead at `now`.
qint64 retryAfterSeconds(const SignInFailures& state, const QDateTime& now);

} // namespace openopd::identity
