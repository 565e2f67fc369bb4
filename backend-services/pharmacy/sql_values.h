#pragma once

// Small helpers shared by the pharmacy stores and endpoints: how values are stored (staff as
// JSON, times as UTC RFC 3339 text, dates as YYYY-MM-DD), a request failure that rolls a
// transaction back, and enqueuing a typed event into the outbox.

#include "bus/codec.h"
#include "bus/replier.h"
#include "host/database.h"
#include "host/outbox.h"
#include "protocol/event_envelope.h"

#include <QDate>
#include <QDateTime>
#include <QVariant>

namespace openopd::pharmacy {

// Why a request was refused (404, 409): set inside the transaction, which then rolls back.
struct Failure
{
    int code = 0;
    QString message;
    QString field;

    bool isSet() const { return code != 0; }
    void set(int errorCode, QString text, QString fieldName = {})
    {
        code = errorCode;
        message = std::move(text);
        field = std::move(fieldName);
    }
};

// The 503 message when the database failed: translated, with the database's reason.
QString unavailableText(const QString& error);

// Answers a failed request: the failure when one was set, else 503 (the database) with error.
template <class Rep>
void replyFailure(bus::Replier<Rep>& replier, const Failure& failure, const QString& error)
{
    if (failure.isSet())
        replier.fail(failure.code, failure.message, failure.field);
    else
        replier.fail(503, unavailableText(error));
}

QString staffToText(const protocol::StaffRef& staff);
protocol::StaffRef staffFromText(const QVariant& text);

QString timeToText(const QDateTime& time);
QDateTime timeFromText(const QVariant& text); // invalid for NULL
QString dateToText(QDate date);
QDate dateFromText(const QVariant& text);

// NULL for an empty string (optional columns).
QVariant textOrNull(const QString& text);

// The clinic's date today (local time): batches expiring before it are expired.
QDate clinicToday();

// Replies stay below NATS's 1 MiB payload: list builders stop (and say truncated) once the
// items they added would pass this many bytes of JSON.
inline constexpr qsizetype kReplyBudgetBytes = 900 * 1024;
// Adds the item's encoded size to *used; false when that passes the budget.
bool withinReplyBudget(qsizetype* used, const QJsonObject& item);

// Adds a typed event to the outbox inside the current transaction.
template <class P>
bool enqueue(host::Database& db, const bus::Event<protocol::EventEnvelope<P>>& event,
             const protocol::EventEnvelope<P>& envelope, QString* error)
{
    return host::enqueueEvent(db,
                              {envelope.id, event.subjectBytes(),
                               bus::Codec<protocol::EventEnvelope<P>>::encode(envelope)},
                              error);
}

} // namespace openopd::pharmacy
