#include "bus/reply_decoding.h"

#include "bus/json_reader.h"

namespace openopd::bus {

BusError serviceErrorFrom(const Message& reply)
{
    const QByteArray text = reply.header(kServiceErrorHeader);
    const QByteArray code = reply.header(kServiceErrorCodeHeader);
    if (text.isEmpty() && code.isEmpty())
        return {};
    BusError error = BusError::make(BusError::Kind::ServiceError, QString::fromUtf8(text),
                                    reply.subject, code.toInt());
    // The body may name the offending field: {"code":400,"error":"...","field":"name"}.
    if (auto body = parseJsonObject(reply.data, 64 * 1024); body.ok()) {
        error.field = body->value(QStringLiteral("field")).toString();
        error.outcomeUnknown =
            body->value(QStringLiteral("outcome")).toString() == QStringLiteral("unknown");
    }
    return error;
}

} // namespace openopd::bus
