#pragma once

// SQL for visits and queue tokens (prepared statements, bound values). Every function runs
// on the caller's transaction; false means a database error, described in *error.

#include "host/database.h"
#include "protocol/visit.h"

#include <optional>

namespace openopd::registration {

class VisitStore
{
public:
    explicit VisitStore(host::Database& db) : m_db(db) {}

    bool byId(const QString& id, std::optional<protocol::Visit>* visit, QString* error);
    // The patient's visit on day that is not in a final state, if any.
    bool openVisitOn(const QString& patientId, const QDate& day,
                     std::optional<protocol::Visit>* visit, QString* error);
    // The next token of (queue, day), starting at 1: one atomic upsert on queue_tokens (the
    // row is locked until the transaction ends, so concurrent opens never share a token;
    // visits also has UNIQUE (queue, day, token)).
    bool nextToken(const QString& queue, const QDate& day, int* token, QString* error);
    bool insert(const protocol::Visit& visit, QString* error);
    // Writes the visit's state, open flag and document.
    bool save(const protocol::Visit& visit, QString* error);
    // The day's visits (one queue or all), open ones only unless includeClosed, by priority
    // then token (then queue); at most limit.
    bool list(const QString& queue, const QDate& day, bool includeClosed, int limit,
              QList<protocol::Visit>* visits, QString* error);

private:
    host::Database& m_db;
};

QString visitDoc(const protocol::Visit& visit);
bool visitFromDoc(const QString& doc, protocol::Visit* visit, QString* error);

} // namespace openopd::registration
