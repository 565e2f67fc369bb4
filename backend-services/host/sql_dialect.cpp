#include "host/sql_dialect.h"

#include "protocol/validation.h"

using namespace Qt::StringLiterals;

namespace openopd::host {

QString SqlDialect::autoIncrementPrimaryKey() const
{
    return m_driver == Driver::Sqlite ? u"INTEGER PRIMARY KEY AUTOINCREMENT"_s
                                      : u"BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY"_s;
}

QString SqlDialect::blobType() const
{
    return m_driver == Driver::Sqlite ? u"BLOB"_s : u"BYTEA"_s;
}

QString SqlDialect::bigIntType() const
{
    return m_driver == Driver::Sqlite ? u"INTEGER"_s : u"BIGINT"_s;
}

QString SqlDialect::currentTimestamp() const
{
    return m_driver == Driver::Sqlite
               ? u"(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))"_s
               : u"(to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'))"_s;
}

QString SqlDialect::expand(const QString& portableSql) const
{
    QString sql = portableSql;
    sql.replace(u"{{PK}}"_s, autoIncrementPrimaryKey());
    sql.replace(u"{{BLOB}}"_s, blobType());
    sql.replace(u"{{BIGINT}}"_s, bigIntType());
    sql.replace(u"{{NOW}}"_s, currentTimestamp());
    return sql;
}

QString SqlDialect::utcTimestamp(const QDateTime& time)
{
    // The same text as on the wire; an invalid time (never stored) gives an empty string.
    return protocol::formatTimestamp(time);
}

} // namespace openopd::host
