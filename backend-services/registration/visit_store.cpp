#include "visit_store.h"

#include "host/sql_dialect.h"
#include "registration_text.h"

#include <QJsonDocument>

namespace openopd::registration {
namespace {

using protocol::Visit;

QString date(const QDate& day)
{
    return day.toString(Qt::ISODate);
}

QString lastChange(const Visit& visit)
{
    return visit.history.isEmpty() ? host::SqlDialect::utcTimestamp(QDateTime::currentDateTimeUtc())
                                   : host::SqlDialect::utcTimestamp(visit.history.constLast().at);
}

bool readVisits(QSqlQuery& query, QList<Visit>* visits, QString* error)
{
    while (query.next()) {
        Visit visit;
        if (!visitFromDoc(query.value(0).toString(), &visit, error))
            return false;
        visits->append(std::move(visit));
    }
    return true;
}

bool one(host::Database& db, const QString& sql, const QVariantList& values,
         std::optional<Visit>* visit, QString* error, QString* doc = nullptr)
{
    auto query = db.run(sql, values, error);
    if (!query)
        return false;
    visit->reset();
    if (!query->next())
        return true;
    const QString stored = query->value(0).toString();
    Visit read;
    if (!visitFromDoc(stored, &read, error))
        return false;
    *visit = std::move(read);
    if (doc != nullptr)
        *doc = stored;
    return true;
}

} // namespace

QString visitDoc(const Visit& visit)
{
    return QString::fromUtf8(QJsonDocument(visit.toJson()).toJson(QJsonDocument::Compact));
}

bool visitFromDoc(const QString& doc, Visit* visit, QString* error)
{
    auto decoded = Visit::fromJson(QJsonDocument::fromJson(doc.toUtf8()).object());
    if (!decoded) {
        *error = Text::tr("a stored visit cannot be read: %1").arg(decoded.error().toString());
        return false;
    }
    *visit = std::move(decoded).value();
    return true;
}

bool VisitStore::byId(const QString& id, std::optional<Visit>* visit, QString* error)
{
    QString doc;
    if (!one(m_db, QStringLiteral("SELECT doc FROM visits WHERE id = ?"), {id}, visit, error, &doc))
        return false;
    if (visit->has_value())
        m_readDocs.insert(id, doc);
    return true;
}

bool VisitStore::openVisitOn(const QString& patientId, const QDate& day,
                             std::optional<Visit>* visit, QString* error)
{
    return one(m_db,
               QStringLiteral("SELECT doc FROM visits WHERE patient_id = ? AND day = ?"
                              " AND is_open = 1"),
               {patientId, date(day)}, visit, error);
}

bool VisitStore::nextToken(const QString& queue, const QDate& day, int* token, QString* error)
{
    auto query =
        m_db.run(QStringLiteral("INSERT INTO queue_tokens (queue, day, last_token) VALUES (?, ?, 1)"
                                " ON CONFLICT (queue, day)"
                                " DO UPDATE SET last_token = queue_tokens.last_token + 1"
                                " RETURNING last_token"),
                 {queue, date(day)}, error);
    if (!query)
        return false;
    if (!query->next()) {
        *error = Text::tr("the token counter did not return a value");
        return false;
    }
    *token = query->value(0).toInt();
    return true;
}

bool VisitStore::insert(const Visit& visit, QString* error)
{
    const QString opened = host::SqlDialect::utcTimestamp(visit.registeredAt());
    return m_db
        .run(QStringLiteral("INSERT INTO visits (id, patient_id, queue, day, token,"
                            " priority_rank, state, is_open, doc, opened_at, updated_at)"
                            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
             {visit.id, visit.patientId, visit.queue, date(visit.day), visit.token,
              protocol::priorityRank(visit.priority), protocol::toWire(visit.state),
              protocol::isFinalState(visit.state) ? 0 : 1, visitDoc(visit), opened, opened},
             error)
        .has_value();
}

bool VisitStore::save(const Visit& visit, bool* lostRace, QString* error)
{
    *lostRace = false;
    QString sql = QStringLiteral("UPDATE visits SET state = ?, is_open = ?, doc = ?, updated_at = ?"
                                 " WHERE id = ?");
    const QString doc = visitDoc(visit);
    QVariantList values{protocol::toWire(visit.state), protocol::isFinalState(visit.state) ? 0 : 1,
                        doc, lastChange(visit), visit.id};
    const auto read = m_readDocs.constFind(visit.id);
    if (read != m_readDocs.cend()) {
        // PostgreSQL re-checks the condition on the row a concurrent writer committed.
        sql += QStringLiteral(" AND doc = ?");
        values.append(*read);
    }
    auto query = m_db.run(sql, values, error);
    if (!query)
        return false;
    if (query->numRowsAffected() != 1) {
        *lostRace = true;
        return true;
    }
    m_readDocs.insert(visit.id, doc);
    return true;
}

bool VisitStore::list(const QString& queue, const QDate& day, bool includeClosed, int limit,
                      QList<Visit>* visits, QString* error)
{
    QString sql = QStringLiteral("SELECT doc FROM visits WHERE day = ?");
    QVariantList values{date(day)};
    if (!queue.isEmpty()) {
        sql += QStringLiteral(" AND queue = ?");
        values.append(queue);
    }
    if (!includeClosed)
        sql += QStringLiteral(" AND is_open = 1");
    sql += QStringLiteral(" ORDER BY priority_rank, token, queue LIMIT ?");
    values.append(limit);
    auto query = m_db.run(sql, values, error);
    return query && readVisits(*query, visits, error);
}

} // namespace openopd::registration
