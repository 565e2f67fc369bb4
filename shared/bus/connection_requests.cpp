// Connection's request bookkeeping beside request(): cancel, the in-flight count, request ids.

#include "bus/connection.h"
#include "bus/request_mux.h"

#include <QRandomGenerator>

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
    quint32 words[4];
    QRandomGenerator::system()->fillRange(words);
    return QByteArray(reinterpret_cast<const char*>(words), sizeof(words))
        .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

} // namespace openopd::bus
