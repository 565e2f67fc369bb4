// Connection's request bookkeeping beside request(): cancel, the in-flight count, request ids.

#include "bus/connection.h"
#include "bus/request_mux.h"
#include "bus/time_ordered_id.h"

namespace openopd::bus {

void Connection::cancelRequest(quint64 ticket)
{
    m_mux->cancel(ticket);
}

int Connection::requestsInFlight() const
{
    return static_cast<int>(m_mux->pendingCount());
}

QByteArray Connection::newRequestId()
{
    return timeOrderedToken(); // sorts by time: appends to the request log's index
}

} // namespace openopd::bus
