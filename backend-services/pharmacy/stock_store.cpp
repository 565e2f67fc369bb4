#include "pharmacy/stock_store.h"

namespace openopd::pharmacy {

using protocol::StockItem;

namespace {

const QString kItemColumns = QStringLiteral(
    "SELECT d.code, d.name, d.unit, d.reorder_level, b.batch, b.expiry, b.quantity, b.updated_at"
    " FROM stock_batches b JOIN drugs d ON d.code = b.drug_code");

StockItem itemFrom(const QSqlQuery& query)
{
    StockItem item;
    item.drugCode = query.value(0).toString();
    item.drugName = query.value(1).toString();
    item.unit = query.value(2).toString();
    item.reorderLevel = query.value(3).toInt();
    item.batch = query.value(4).toString();
    item.expiry = dateFromText(query.value(5));
    item.quantity = query.value(6).toInt();
    item.updatedAt = timeFromText(query.value(7));
    return item;
}

// A LIKE pattern matching text literally, escaped with '!'.
QString likeLiteral(const QString& text)
{
    QString escaped = text.toLower();
    escaped.replace(u'!', QStringLiteral("!!"));
    escaped.replace(u'%', QStringLiteral("!%"));
    escaped.replace(u'_', QStringLiteral("!_"));
    return escaped;
}

} // namespace

bool StockStore::findDrug(const QString& code, std::optional<Drug>* drug, QString* error)
{
    auto query = m_db.run(
        QStringLiteral("SELECT code, name, unit, reorder_level, low FROM drugs WHERE code = ?"),
        {code}, error);
    if (!query)
        return false;
    drug->reset();
    if (query->next())
        *drug =
            Drug{query->value(0).toString(), query->value(1).toString(), query->value(2).toString(),
                 query->value(3).toInt(), query->value(4).toInt() != 0};
    return true;
}

bool StockStore::findItem(const QString& drugCode, const QString& batch,
                          std::optional<StockItem>* item, QString* error)
{
    auto query = m_db.run(kItemColumns + QStringLiteral(" WHERE b.drug_code = ? AND b.batch = ?"),
                          {drugCode, batch}, error);
    if (!query)
        return false;
    item->reset();
    if (query->next())
        *item = itemFrom(*query);
    return true;
}

bool StockStore::list(const protocol::StockListRequest& request, QDate today,
                      protocol::StockListReply* reply, QString* error)
{
    QString sql = kItemColumns + QStringLiteral(" WHERE 1 = 1");
    QVariantList values;
    if (!request.query.trimmed().isEmpty()) {
        const QString pattern = likeLiteral(request.query.trimmed()) + u'%';
        // Code prefix, name prefix, or the prefix of a later word of the name.
        sql += QStringLiteral(" AND (LOWER(d.code) LIKE ? ESCAPE '!' OR LOWER(d.name) LIKE ?"
                              " ESCAPE '!' OR LOWER(d.name) LIKE ? ESCAPE '!')");
        values << pattern << pattern << QString(QStringLiteral("% ") + pattern);
    }
    if (!request.includeEmpty)
        sql += QStringLiteral(" AND b.quantity > 0");
    if (request.lowOnly) {
        sql += QStringLiteral(" AND (SELECT COALESCE(SUM(s.quantity), 0) FROM stock_batches s"
                              " WHERE s.drug_code = d.code AND s.expiry >= ?) <= d.reorder_level");
        values << dateToText(today);
    }
    sql += QStringLiteral(" ORDER BY d.name, d.code, b.expiry, b.batch LIMIT ?");
    values << request.limit + 1;
    auto query = m_db.run(sql, values, error);
    if (!query)
        return false;
    qsizetype used = 0;
    while (query->next()) {
        StockItem item = itemFrom(*query);
        if (reply->items.size() == request.limit || !withinReplyBudget(&used, item.toJson())) {
            reply->truncated = true;
            break;
        }
        reply->items.append(std::move(item));
    }
    return true;
}

bool StockStore::usableTotal(const QString& drugCode, QDate today, int* total, QString* error)
{
    auto query = m_db.run(QStringLiteral("SELECT COALESCE(SUM(quantity), 0) FROM stock_batches"
                                         " WHERE drug_code = ? AND expiry >= ?"),
                          {drugCode, dateToText(today)}, error);
    if (!query || !query->next())
        return false;
    *total = static_cast<int>(qMin<qint64>(query->value(0).toLongLong(), 100000000));
    return true;
}

bool StockStore::batchRow(const QString& drugCode, const QString& batch,
                          std::optional<QDate>* expiry, int* quantity, QString* error)
{
    auto query = m_db.run(QStringLiteral("SELECT expiry, quantity FROM stock_batches"
                                         " WHERE drug_code = ? AND batch = ?"),
                          {drugCode, batch}, error);
    if (!query)
        return false;
    expiry->reset();
    if (query->next()) {
        *expiry = dateFromText(query->value(0));
        *quantity = query->value(1).toInt();
    }
    return true;
}

bool StockStore::updateLowState(const QString& drugCode, QDate today, const QDateTime& now,
                                std::optional<protocol::StockLow>* crossed, QString* error)
{
    crossed->reset();
    std::optional<Drug> drug;
    int total = 0;
    if (!findDrug(drugCode, &drug, error) || !usableTotal(drugCode, today, &total, error))
        return false;
    if (!drug)
        return true;
    const bool low = total <= drug->reorderLevel;
    // Conditional updates: of two concurrent writers only one flips the flag.
    auto updated = m_db.run(QStringLiteral("UPDATE drugs SET low = ? WHERE code = ? AND low = ?"),
                            {low ? 1 : 0, drugCode, low ? 0 : 1}, error);
    if (!updated)
        return false;
    if (low && updated->numRowsAffected() == 1)
        *crossed = protocol::StockLow{drug->code, drug->name, total, drug->reorderLevel, now};
    return true;
}

} // namespace openopd::pharmacy
