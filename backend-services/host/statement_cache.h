// Prepared statements kept for reuse (SQLite): parsing a statement costs more than running it
// for the small statements a service runs per request (about a sixth of registration's CPU
// under load), so Database::run() takes them from here.
#pragma once

#include <QSqlQuery>
#include <QString>
#include <functional>
#include <memory>
#include <unordered_map>

namespace openopd::host {

// Where a cached statement lives while nobody uses it.
struct StatementSlot
{
    QSqlQuery query;
    bool leased = false;
};

// A query from Database::run(): a QSqlQuery (pass it where one is expected) that is finished
// and moved back into its cache slot when it goes out of scope, so a cached statement never
// stays "in progress" across a RELEASE or COMMIT. Move-only, like QSqlQuery.
class Statement : public QSqlQuery
{
public:
    Statement(QSqlQuery query, StatementSlot* slot);
    ~Statement();
    Statement(Statement&& other) noexcept;
    Statement& operator=(Statement&&) = delete;
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

private:
    StatementSlot* m_slot; // where it goes back; nullptr when not cached
};

class StatementCache
{
public:
    // At most this many distinct texts are kept; statements beyond are prepared each time.
    static constexpr std::size_t kCapacity = 256;

    explicit StatementCache(bool enabled) : m_enabled(enabled) {}

    // Prepares a fresh statement; on failure sets *error (the query is then not usable).
    using Prepare = std::function<QSqlQuery(const QString& sql, QString* error)>;

    // A prepared statement for sql: the cached one if it is free, else a fresh one from
    // prepare (the same text still in use further up the stack, or the cache full or
    // disabled). On failure *error is set and the statement is not usable.
    Statement take(const QString& sql, const Prepare& prepare, QString* error);
    // Forgets every statement (before the connection closes). None may be taken then.
    void clear() { m_entries.clear(); }
    std::size_t size() const { return m_entries.size(); }

private:
    bool m_enabled;
    std::unordered_map<QString, std::unique_ptr<StatementSlot>> m_entries;
};

} // namespace openopd::host
