#include "bus/nats_message.h"

#include <QString>

namespace openopd::bus::detail {
namespace {

constexpr char kStatusHeader[] = "Status";
constexpr char kDescriptionHeader[] = "Description";

void copyHeaders(natsMsg* msg, Message& out)
{
    const char** keys = nullptr;
    int keyCount = 0;
    if (natsMsgHeader_Keys(msg, &keys, &keyCount) != NATS_OK)
        return;
    for (int k = 0; k < keyCount; ++k) {
        const char* key = keys[k];
        if (qstrcmp(key, kStatusHeader) == 0 || qstrcmp(key, kDescriptionHeader) == 0)
            continue; // the status line is reported in Message::status instead
        const char** values = nullptr;
        int valueCount = 0;
        if (natsMsgHeader_Values(msg, key, &values, &valueCount) != NATS_OK)
            continue;
        for (int v = 0; v < valueCount; ++v)
            out.headers.append({QByteArray(key), QByteArray(values[v])});
        free(static_cast<void*>(values));
    }
    free(static_cast<void*>(keys));

    const char* status = nullptr;
    if (natsMsgHeader_Get(msg, kStatusHeader, &status) == NATS_OK && status != nullptr) {
        out.status = QByteArray(status).toInt();
        const char* description = nullptr;
        if (natsMsgHeader_Get(msg, kDescriptionHeader, &description) == NATS_OK)
            out.statusDescription = QByteArray(description);
    }
}

} // namespace

Message copyFromNats(natsMsg* msg, QByteArray* lastSubject)
{
    Message out;
    const char* subject = natsMsg_GetSubject(msg);
    if (lastSubject == nullptr) {
        out.subject = QByteArray(subject);
    } else {
        if (*lastSubject != subject)
            *lastSubject = QByteArray(subject);
        out.subject = *lastSubject;
    }
    if (const char* reply = natsMsg_GetReply(msg))
        out.reply = QByteArray(reply);
    out.data = QByteArray(natsMsg_GetData(msg), natsMsg_GetDataLength(msg));
    copyHeaders(msg, out);
    if (natsMsg_IsNoResponders(msg))
        out.status = 503;
    return out;
}

natsStatus createNatsMsg(natsMsg** out, const QByteArray& subject, const QByteArray& reply,
                         const QByteArray& data, const Headers& headers)
{
    natsStatus status =
        natsMsg_Create(out, subject.constData(), reply.isEmpty() ? nullptr : reply.constData(),
                       data.constData(), static_cast<int>(data.size()));
    for (const auto& [key, value] : headers) {
        if (status != NATS_OK)
            break;
        status = natsMsgHeader_Add(*out, key.constData(), value.constData());
    }
    if (status != NATS_OK && *out != nullptr) {
        natsMsg_Destroy(*out);
        *out = nullptr;
    }
    return status;
}

QString natsErrorText(natsStatus status)
{
    return QString::fromUtf8(natsStatus_GetText(status));
}

} // namespace openopd::bus::detail
