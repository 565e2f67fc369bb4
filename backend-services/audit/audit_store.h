#pragma once

// SQL of the audit service: prepared statements with bound values. There is deliberately no
// UPDATE or DELETE of audit_log anywhere in the service.

#include "audit/audit_chain.h"
#include "host/database.h"
#include "protocol/audit_api.h"

namespace openopd::audit::store {

// Serialises appends across instances sharing a PostgreSQL database (an advisory lock held
// until the transaction ends); SQLite's BEGIN IMMEDIATE already does.
bool lockForAppend(host::Database& db, QString* error);
bool containsEvent(host::Database& db, const QString& eventId, bool* found, QString* error);
// The last record's seq and hash: (0, genesis hash) for an empty log.
bool head(host::Database& db, qint64* seq, QString* hash, QString* error);
bool append(host::Database& db, const protocol::AuditRecord& record, const QByteArray& body,
            QString* error);

// The hash of record seq; *found false when there is no such record.
bool hashOf(host::Database& db, qint64 seq, QString* hash, bool* found, QString* error);
// Records with fromSeq <= seq <= toSeq in seq order, at most limit.
bool loadRange(host::Database& db, qint64 fromSeq, qint64 toSeq, int limit,
               QList<StoredRecord>* records, QString* error);
// The filters of an audit query (AND), in seq order after request.afterSeq.
bool query(host::Database& db, const protocol::AuditQueryRequest& request,
           QList<StoredRecord>* records, bool* hasMore, QString* error);

} // namespace openopd::audit::store
