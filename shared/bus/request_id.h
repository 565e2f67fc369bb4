#pragma once

// The request id that makes a command safe to repeat (docs/protocol.md, "Request ids"):
// the client generates one per user action and sends it in this header; a service records it
// with the effect and answers a repeat with the first answer instead of acting again.

#include <QByteArray>
#include <QByteArrayView>

namespace openopd::bus {

inline constexpr char kRequestIdHeader[] = "Openopd-Request-Id";
// Set (value "true") on an answer that repeats the stored answer of an earlier request.
inline constexpr char kReplayedHeader[] = "Openopd-Replayed";

// 1 to 64 characters from [A-Za-z0-9_-]: what services accept.
inline bool isValidRequestId(QByteArrayView id)
{
    if (id.isEmpty() || id.size() > 64)
        return false;
    for (const char c : id) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '_' || c == '-';
        if (!ok)
            return false;
    }
    return true;
}

} // namespace openopd::bus
