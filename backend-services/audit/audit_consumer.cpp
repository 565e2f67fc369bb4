#include "audit/audit_consumer.h"

#include "audit/audit_store.h"
#include "protocol/events.h"
#include "protocol/limits.h"

#include <QCoreApplication>
#include <QDebug>

namespace openopd::audit {
namespace {

class Text
{
    Q_DECLARE_TR_FUNCTIONS(openopd::audit::Consumer)
};

} // namespace

host::HandlerResult appendEvent(const bus::JsMessage& message, host::Database& db)
{
    const QString subject = QString::fromUtf8(message.message.subject);
    // Work-list events (list.*) repeat what the other events say, for live screens: they
    // are acknowledged and not recorded.
    if (message.message.subject.startsWith(protocol::kListEventPrefix))
        return host::HandlerResult::done();
    const auto event = bus::Codec<protocol::AnyEvent>::decode(message.message.data);
    if (!event)
        return host::HandlerResult::fail(
            Text::tr("cannot decode the event on %1: %2").arg(subject, event.error().toString()));
    if (subject.size() > protocol::limits::kSubject)
        return host::HandlerResult::fail(Text::tr("the subject %1 is longer than %2 characters")
                                             .arg(subject)
                                             .arg(protocol::limits::kSubject));
    QString error;
    bool seen = false;
    if (!store::lockForAppend(db, &error) || !store::containsEvent(db, event->id, &seen, &error))
        return host::HandlerResult::retry(error);
    if (seen) {
        qInfo().noquote() << "audit: event" << event->id << "on" << subject
                          << "is already in the log; not recorded again";
        return host::HandlerResult::done();
    }
    qint64 headSeq = 0;
    QString headHash;
    if (!store::head(db, &headSeq, &headHash, &error))
        return host::HandlerResult::retry(error);
    const protocol::AuditRecord record =
        nextRecord(headSeq, headHash, subject, event.value(), message.message.data);
    if (!store::append(db, record, message.message.data, &error))
        return host::HandlerResult::retry(error);
    return host::HandlerResult::done();
}

} // namespace openopd::audit
