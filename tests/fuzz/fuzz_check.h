#pragma once

// FUZZ_CHECK(condition): a broken invariant is a finding: print where and the context the
// target noted (fuzzContext()), then abort (libFuzzer saves the input as crash-<sha1>).

#include <cstdio>
#include <cstdlib>
#include <string>

namespace openopd::fuzz {

// What the current input is about, in words, for the report of a failed check.
inline std::string& fuzzContext()
{
    static std::string context;
    return context;
}

} // namespace openopd::fuzz

#define FUZZ_CHECK(condition)                                                                      \
    do {                                                                                           \
        if (!(condition)) {                                                                        \
            std::fprintf(stderr, "fuzz check failed: %s:%d: %s\n  context: %s\n", __FILE__,        \
                         __LINE__, #condition, openopd::fuzz::fuzzContext().c_str());              \
            std::abort();                                                                          \
        }                                                                                          \
    } while (false)
