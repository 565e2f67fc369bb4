#include "audit/audit_store.h"

#include "protocol/validation.h"

namespace openopd::audit::store {
namespace {

// Any constant works; it only has to differ from the other advisory locks of the database.
constexpr qint64 kAppendLockKey = 0x4f50445f41554454; // "OPD_AUDT"

const QString kColumns =
    QStringLiteral("seq, event_id, subject, actor_id, actor_name, actor_role, at, patient_id, "
                   "payload_hash, prev_hash, hash, body");

StoredRecord readRecord(const QSqlQuery& q)
{
    StoredRecord r;
    r.seq = q.value(0).toLongLong();
    r.eventId = q.value(1).toString();
    r.subject = q.value(2).toString();
    r.actorId = q.value(3).toString();
    r.actorName = q.value(4).toString();
    r.actorRole = q.value(5).toString();
    r.at = q.value(6).toString();
    r.patientId = q.value(7).isNull() ? QString() : q.value(7).toString();
    r.payloadHash = q.value(8).toString();
    r.prevHash = q.value(9).toString();
    r.hash = q.value(10).toString();
    r.body = q.value(11).toByteArray();
    return r;
}

bool readAll(std::optional<host::Statement>& q, QList<StoredRecord>* records)
{
    if (!q)
        return false;
    while (q->next())
        records->append(readRecord(*q));
    return true;
}

} // namespace

bool lockForAppend(host::Database& db, QString* error)
{
    if (db.driver() != host::Driver::Postgres)
        return true;
    return db.run(QStringLiteral("SELECT pg_advisory_xact_lock(?)"), {kAppendLockKey}, error)
        .has_value();
}

bool containsEvent(host::Database& db, const QString& eventId, bool* found, QString* error)
{
    auto q = db.run(QStringLiteral("SELECT 1 FROM audit_log WHERE event_id = ?"), {eventId}, error);
    if (!q)
        return false;
    *found = q->next();
    return true;
}

bool head(host::Database& db, qint64* seq, QString* hash, QString* error)
{
    auto q = db.run(QStringLiteral("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1"), {},
                    error);
    if (!q)
        return false;
    if (q->next()) {
        *seq = q->value(0).toLongLong();
        *hash = q->value(1).toString();
    } else {
        *seq = 0;
        *hash = protocol::auditGenesisHash();
    }
    return true;
}

bool append(host::Database& db, const protocol::AuditRecord& r, const QByteArray& body,
            QString* error)
{
    const QVariant patient =
        r.patientId.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(r.patientId);
    return db
        .run(QStringLiteral("INSERT INTO audit_log (") + kColumns +
                 QStringLiteral(") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
             {r.seq, r.eventId, r.subject, r.actor.id, r.actor.name, protocol::toWire(r.actor.role),
              protocol::formatTimestamp(r.at), patient, r.payloadHash, r.prevHash, r.hash, body},
             error)
        .has_value();
}

bool hashOf(host::Database& db, qint64 seq, QString* hash, bool* found, QString* error)
{
    auto q = db.run(QStringLiteral("SELECT hash FROM audit_log WHERE seq = ?"), {seq}, error);
    if (!q)
        return false;
    *found = q->next();
    if (*found)
        *hash = q->value(0).toString();
    return true;
}

bool loadRange(host::Database& db, qint64 fromSeq, qint64 toSeq, int limit,
               QList<StoredRecord>* records, QString* error)
{
    auto q = db.run(QStringLiteral("SELECT ") + kColumns +
                        QStringLiteral(" FROM audit_log WHERE seq >= ? AND seq <= ? "
                                       "ORDER BY seq LIMIT ?"),
                    {fromSeq, toSeq, limit}, error);
    return readAll(q, records);
}

bool query(host::Database& db, const protocol::AuditQueryRequest& request,
           QList<StoredRecord>* records, bool* hasMore, QString* error)
{
    // Fixed fragments joined by the filters present; every value is bound.
    QString sql =
        QStringLiteral("SELECT ") + kColumns + QStringLiteral(" FROM audit_log WHERE seq > ?");
    QVariantList values{request.afterSeq};
    if (!request.patientId.isEmpty()) {
        sql += QStringLiteral(" AND patient_id = ?");
        values.append(request.patientId);
    }
    if (!request.staffId.isEmpty()) {
        sql += QStringLiteral(" AND actor_id = ?");
        values.append(request.staffId);
    }
    if (request.from.isValid()) {
        sql += QStringLiteral(" AND at >= ?");
        values.append(protocol::formatTimestamp(request.from));
    }
    if (request.to.isValid()) {
        sql += QStringLiteral(" AND at <= ?");
        values.append(protocol::formatTimestamp(request.to));
    }
    sql += QStringLiteral(" ORDER BY seq LIMIT ?");
    values.append(request.limit + 1);
    auto q = db.run(sql, values, error);
    if (!readAll(q, records))
        return false;
    *hasMore = records->size() > request.limit;
    if (*hasMore)
        records->resize(request.limit);
    return true;
}

} // namespace openopd::audit::store
