#include "discharge/summary_store.h"

#include "host/database.h"
#include "host/host_schema.h"
#include "protocol/event_envelope.h"
#include "protocol/events.h"
#include "protocol/limits.h"
#include "protocol/validation.h"

#include <QJsonDocument>

namespace openopd::discharge::summary {

using protocol::formatTimestamp;

namespace {

QString bodyOf(const QJsonObject& object)
{
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

template <class T> std::optional<T> decodeBody(const QVariant& body)
{
    auto decoded = T::fromJson(QJsonDocument::fromJson(body.toString().toUtf8()).object());
    if (!decoded)
        return std::nullopt; // written by this service from a decoded event: not expected
    return decoded.value();
}

template <class P> std::optional<P> payloadOf(const bus::JsMessage& message)
{
    auto event = bus::Codec<protocol::EventEnvelope<P>>::decode(message.message.data);
    if (!event)
        return std::nullopt;
    return event->payload;
}

bool storeConsultation(host::Database& db, const protocol::Consultation& c, QString* error)
{
    // A consultation saved again replaces the earlier one; an older one arriving late does not.
    return db
        .run(QStringLiteral("INSERT INTO release_consultations (visit_id, consultation_id, "
                            "saved_at, body) VALUES (?, ?, ?, ?) ON CONFLICT (visit_id) DO "
                            "UPDATE SET consultation_id = excluded.consultation_id, saved_at = "
                            "excluded.saved_at, body = excluded.body WHERE "
                            "release_consultations.saved_at <= excluded.saved_at"),
             {c.visitId, c.id, formatTimestamp(c.savedAt), bodyOf(c.toJson())}, error)
        .has_value();
}

bool storeDispense(host::Database& db, const protocol::Dispense& d, QString* error)
{
    return db
        .run(QStringLiteral("INSERT INTO release_dispenses (dispense_id, visit_id, "
                            "dispensed_at, body) VALUES (?, ?, ?, ?) ON CONFLICT (dispense_id) "
                            "DO NOTHING"),
             {d.id, d.visitId, formatTimestamp(d.dispensedAt), bodyOf(d.toJson())}, error)
        .has_value();
}

bool storeLabResult(host::Database& db, const protocol::LabResult& r, QString* error)
{
    return db
        .run(QStringLiteral("INSERT INTO release_lab_reports (consultation_id, line, visit_id, "
                            "body) VALUES (?, ?, ?, ?) ON CONFLICT (consultation_id, line) DO "
                            "NOTHING"),
             {r.consultationId, r.line, r.visitId, bodyOf(r.toJson())}, error)
        .has_value();
}

} // namespace

void addMigrations(host::Migrations& migrations)
{
    migrations.addPortable(
        host::kFirstServiceMigration + 1, QStringLiteral("visit summaries"),
        {QStringLiteral("CREATE TABLE release_consultations ("
                        " visit_id TEXT PRIMARY KEY,"
                        " consultation_id TEXT NOT NULL,"
                        " saved_at TEXT NOT NULL,"
                        " body TEXT NOT NULL)"),
         QStringLiteral("CREATE TABLE release_dispenses ("
                        " dispense_id TEXT PRIMARY KEY,"
                        " visit_id TEXT NOT NULL,"
                        " dispensed_at TEXT NOT NULL,"
                        " body TEXT NOT NULL)"),
         QStringLiteral("CREATE INDEX release_dispenses_visit ON release_dispenses (visit_id)"),
         QStringLiteral("CREATE TABLE release_lab_reports ("
                        " consultation_id TEXT NOT NULL,"
                        " line INTEGER NOT NULL,"
                        " visit_id TEXT NOT NULL,"
                        " body TEXT NOT NULL,"
                        " PRIMARY KEY (consultation_id, line))"),
         QStringLiteral("CREATE INDEX release_lab_reports_visit ON release_lab_reports "
                        "(visit_id)")});
}

host::HandlerResult remember(const bus::JsMessage& message, host::Database& db)
{
    using namespace protocol;
    const QByteArrayView subject = message.message.subject;
    QString error;
    bool ok = true;
    if (subject == QByteArrayView(kVisitConsulted.subject)) {
        if (const auto c = payloadOf<Consultation>(message))
            ok = storeConsultation(db, *c, &error);
    } else if (subject == QByteArrayView(kVisitDispensed.subject)) {
        if (const auto d = payloadOf<Dispense>(message))
            ok = storeDispense(db, *d, &error);
    } else if (subject == QByteArrayView(kLabResulted.subject)) {
        if (const auto r = payloadOf<LabResult>(message))
            ok = storeLabResult(db, *r, &error);
    }
    return ok ? host::HandlerResult::done() : host::HandlerResult::retry(error);
}

bool load(host::Database& db, const QString& visitId, protocol::VisitSummary* summary,
          QString* error)
{
    *summary = {};
    auto c = db.run(QStringLiteral("SELECT body FROM release_consultations WHERE visit_id = ?"),
                    {visitId}, error);
    if (!c)
        return false;
    if (c->next())
        summary->consultation = decodeBody<protocol::Consultation>(c->value(0));
    auto d = db.run(QStringLiteral("SELECT body FROM release_dispenses WHERE visit_id = ? "
                                   "ORDER BY dispensed_at, dispense_id LIMIT ?"),
                    {visitId, static_cast<int>(protocol::VisitSummary::kMaxDispenses)}, error);
    if (!d)
        return false;
    while (d->next())
        if (auto dispense = decodeBody<protocol::Dispense>(d->value(0)))
            summary->dispenses.append(*dispense);
    // Results of an earlier consultation of the same visit (saved again) are not shown.
    const QString consultationId = summary->consultation ? summary->consultation->id : QString();
    const QString byVisit =
        QStringLiteral("SELECT body FROM release_lab_reports WHERE visit_id = ?");
    auto r =
        consultationId.isEmpty()
            ? db.run(byVisit + QStringLiteral(" ORDER BY line, consultation_id LIMIT ?"),
                     {visitId, static_cast<int>(protocol::limits::kMaxLabOrders)}, error)
            : db.run(byVisit + QStringLiteral(" AND consultation_id = ? ORDER BY line LIMIT ?"),
                     {visitId, consultationId, static_cast<int>(protocol::limits::kMaxLabOrders)},
                     error);
    if (!r)
        return false;
    while (r->next())
        if (auto result = decodeBody<protocol::LabResult>(r->value(0)))
            summary->labResults.append(*result);
    return true;
}

} // namespace openopd::discharge::summary
