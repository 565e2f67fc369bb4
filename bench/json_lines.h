#pragma once

// One result per line on stdout: {"bench": NAME, "value": NUMBER, "unit": UNIT}, flushed at
// once so a pipe (CI, a dashboard) sees each figure as soon as it is measured. Diagnostics go
// to stderr, so stdout stays machine-readable.

#include <cmath>
#include <cstdio>
#include <string>
#include <string_view>

namespace openopd::bench {

inline std::string jsonString(std::string_view text)
{
    std::string out = "\"";
    for (const char c : text) {
        if (c == '"' || c == '\\')
            out += '\\';
        if (static_cast<unsigned char>(c) >= 0x20)
            out += c;
    }
    return out + '"';
}

// decimals: digits after the point (0 for counts and rates).
inline void printJsonLine(std::string_view bench, double value, std::string_view unit,
                          int decimals = 1)
{
    if (!std::isfinite(value))
        value = 0; // JSON has no NaN/inf; a failed measurement is also reported on stderr
    std::printf("{\"bench\": %s, \"value\": %.*f, \"unit\": %s}\n", jsonString(bench).c_str(),
                decimals, value, jsonString(unit).c_str());
    std::fflush(stdout);
}

} // namespace openopd::bench
