#include "host/statement_cache.h"

namespace openopd::host {

Statement::Statement(QSqlQuery query, StatementSlot* slot)
    : QSqlQuery(std::move(query)), m_slot(slot)
{}

Statement::Statement(Statement&& other) noexcept
    : QSqlQuery(std::move(static_cast<QSqlQuery&>(other))), m_slot(other.m_slot)
{
    other.m_slot = nullptr;
}

Statement::~Statement()
{
    if (m_slot == nullptr)
        return;
    finish(); // resets the SQLite statement: no longer "in progress"
    m_slot->query = std::move(static_cast<QSqlQuery&>(*this));
    m_slot->leased = false;
}

Statement StatementCache::take(const QString& sql, const Prepare& prepare, QString* error)
{
    auto it = m_enabled ? m_entries.find(sql) : m_entries.end();
    if (it != m_entries.end() && !it->second->leased) {
        StatementSlot& slot = *it->second;
        slot.leased = true;
        return Statement(std::move(slot.query), &slot);
    }
    QString prepareError;
    QSqlQuery query = prepare(sql, &prepareError);
    if (!prepareError.isEmpty()) {
        if (error != nullptr)
            *error = prepareError;
        return Statement(std::move(query), nullptr);
    }
    // Already cached (and in use further up the stack), disabled or full: not kept.
    if (!m_enabled || it != m_entries.end() || m_entries.size() >= kCapacity)
        return Statement(std::move(query), nullptr);
    auto slot = std::make_unique<StatementSlot>();
    slot->leased = true;
    StatementSlot* where = slot.get();
    m_entries.emplace(sql, std::move(slot));
    return Statement(std::move(query), where);
}

} // namespace openopd::host
