#include "name_index.h"

#include "registration_text.h"

namespace openopd::registration {

bool indexNewNames(host::Database& db, QString* error)
{
    const QString counter = QString::fromLatin1(kNameIndexCounter);
    qint64 indexed = 0;
    qint64 newest = 0;
    {
        // Both from indexes (the rowid's last entry, the counter's key): cheap on every commit.
        auto state = db.run(QStringLiteral("SELECT (SELECT value FROM counters WHERE name = ?),"
                                           " (SELECT COALESCE(MAX(seq), 0) FROM patients)"),
                            {counter}, error);
        if (!state)
            return false;
        if (!state->next() || state->value(0).isNull()) {
            *error = Text::tr("the counter %1 is missing").arg(counter);
            return false;
        }
        indexed = state->value(0).toLongLong();
        newest = state->value(1).toLongLong();
    }
    if (newest <= indexed)
        return true;
    return db.run(QStringLiteral("INSERT INTO patients_fts (rowid, full_name)"
                                 " SELECT seq, full_name FROM patients WHERE seq > ? AND seq <= ?"),
                  {indexed, newest}, error) &&
           db.run(QStringLiteral("UPDATE counters SET value = ? WHERE name = ?"), {newest, counter},
                  error);
}

void indexNamesAtCommit(host::Database& db)
{
    if (db.driver() == host::Driver::Sqlite)
        db.addCommitStep([&db](QString* error) { return indexNewNames(db, error); });
}

} // namespace openopd::registration
