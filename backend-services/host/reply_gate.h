#pragma once

#include "bus/replier.h"

#include <QPointer>
#include <functional>
#include <vector>

namespace openopd::host {

// Holds a service's answers while its group commit is open, so that no client hears of a
// change (or reads state) before it is durable; release() sends them once the group ended.
// If the group rolled back, each held success becomes a 503 naming the reason (its change
// is gone); held failures go out as they were. If the commit's outcome is unknown (the
// PostgreSQL connection broke during COMMIT), each held success becomes a 503 that says so
// ("outcome":"unknown"): never "nothing was saved". Used on the service's thread only.
class ReplyGate
{
public:
    // holding(): whether answers must wait now (the database has an open group).
    explicit ReplyGate(std::function<bool()> holding) : m_holding(std::move(holding)) {}

    // For RawReplier::sendThrough().
    bus::RawReplier::Sender sender();
    void release(bool committed, const QString& error, bool outcomeUnknown = false);
    qsizetype held() const { return static_cast<qsizetype>(m_held.size()); }

private:
    struct Held
    {
        QPointer<bus::Connection> connection;
        QByteArray subject;
        QByteArray data;
        bus::Headers headers;
        int errorCode = 0;
    };

    std::function<bool()> m_holding;
    std::vector<Held> m_held;
};

} // namespace openopd::host
