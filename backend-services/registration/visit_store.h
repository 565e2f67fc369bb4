#pragma once

// SQL for visits and queue tokens (prepared statements, bound values). Every function runs
// on the caller's transaction; false means a database error, described in *error.

#include "host/database.h"
#include "protocol/visit.h"

#include <QHash>
#include <optional>

namespace openopd::registration {

class VisitStore
{
public:
    explicit VisitStore(host::Database& db) : m_db(db) {}

    // Remembers the stored document it read, for save()'s check.
    bool byId(const QString& id, std::optional<protocol::Visit>* visit, QString* error);
    // The patient's visit on day that is not in a final state, if any.
    bool openVisitOn(const QString& patientId, const QDate& day,
                     std::optional<protocol::Visit>* visit, QString* error);
    // The next token of (queue, day), starting at 1: one atomic upsert on queue_tokens (the
    // row is locked until the transaction ends, so concurrent opens never share a token;
    // visits also has UNIQUE (queue, day, token)).
    bool nextToken(const QString& queue, const QDate& day, int* token, QString* error);
    bool insert(const protocol::Visit& visit, QString* error);
    // Writes the visit's state, open flag and document, only if the stored document is still
    // the one byId() read through this store: two instances on one PostgreSQL database may
    // read the same visit and both write (a lost update). *lostRace true: it was changed by
    // someone else meanwhile, nothing was written (the caller answers 409 or retries).
    // A visit not read through this store is written unconditionally.
    bool save(const protocol::Visit& visit, bool* lostRace, QString* error);
    // The day's visits (one queue or all), open ones only unless includeClosed, by priority
    // then token (then queue); at most limit.
    bool list(const QString& queue, const QDate& day, bool includeClosed, int limit,
              QList<protocol::Visit>* visits, QString* error);

private:
    host::Database& m_db;
    QHash<QString, QString> m_readDocs; // visit id -> stored document as read
};

QString visitDoc(const protocol::Visit& visit);
bool visitFromDoc(const QString& doc, protocol::Visit* visit, QString* error);

} // namespace openopd::registration
