// Scaling for heavy tests under a sanitizer (issue 14). ThreadSanitizer runs our code 5-15
// times slower (AddressSanitizer about 2-3 times), so a flow test that starts many processes
// waits longer and runs a smaller day there; the checks stay the same.
//
// The compiler says whether this translation unit is sanitized (GCC: __SANITIZE_THREAD__ /
// __SANITIZE_ADDRESS__, clang: __has_feature), so nothing has to be passed from CMake: the
// presets asan and tsan set OPENOPD_SANITIZE, which adds -fsanitize=... to every target.
#pragma once

#include <algorithm>

#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
#define OPENOPD_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer) || __has_feature(address_sanitizer)
#define OPENOPD_SANITIZER 1
#endif
#endif

namespace openopd::testing {

#ifdef OPENOPD_SANITIZER
inline constexpr bool kSanitized = true;
// Wait this many times longer: measured on the 2-core machine, TSan-built services answer
// 3-8 times slower than the dev build; 6 leaves room for a loaded CI machine.
inline constexpr int kTimeoutFactor = 6;
// Run a fifth of a heavy test's work (visits, requests, rounds).
inline constexpr int kCountDivisor = 5;
#else
inline constexpr bool kSanitized = false;
inline constexpr int kTimeoutFactor = 1;
inline constexpr int kCountDivisor = 1;
#endif

// A timeout (ms or s) for a wait on a condition: longer under a sanitizer.
constexpr int scaledTimeout(int timeout)
{
    return timeout * kTimeoutFactor;
}

// How many of something a heavy test does: fewer under a sanitizer, never less than minimum.
constexpr int scaledCount(int count, int minimum = 1)
{
    return std::max(count / kCountDivisor, std::min(count, minimum));
}

} // namespace openopd::testing
